/**
 * The demo city's secret renovation vote: demo voters publish Semaphore identities through the API (as
 * the browser does), staff create a secret poll scoped to buildings with the renovation rule (an area
 * accepts if two thirds of its eligible residents vote yes), and some voters cast secret ballots with
 * proofs made in Node, posted with no session, as the browser posts them.
 */
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import type { ChainConfig } from "../../api/wire/health";
import { proofDepthFor, secretMessage, secretScope } from "../../contracts/protocol";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";
import { ApiClient } from "../cli/api";
import { CliError } from "../cli/errors";
import type { PollFileInput } from "../cli/polls/pollFile";
import type { EnrolledVoter } from "./voters";

const t = (en: string, ru: string) => ({ en, ru });

export const SECRET_POLL_NAME = "renovation-secret";

export const SECRET_RENOVATION_POLL: PollFileInput = {
  title: t("Renovation of your building (secret ballot)", "Реновация вашего дома (тайное голосование)"),
  description: t(
    "A binding, secret vote: should your building join the renovation programme? A building joins if at " +
      "least two thirds of its residents vote yes. Nobody, not even the city, can see how you voted.",
    "Обязательное тайное голосование: включить ли ваш дом в программу реновации? Дом включается, если " +
      "«за» проголосуют не менее двух третей его жителей. Никто, даже город, не узнает, как вы голосовали.",
  ),
  questions: [
    {
      text: t("Should your building join the renovation?", "Включить ли ваш дом в реновацию?"),
      options: [t("Yes", "Да"), t("No", "Нет")],
    },
  ],
  schedule: { duration: "14d" },
  scope: { cityWide: true },
  revote: true,
  points: 0,
  secret: true,
  areas: "building",
  rule: { kind: "eligibleShare", question: 0, option: 0, share: "2/3" },
};

/** Publishes an identity for each voter and waits until the registry has them all. */
export async function enrolIdentities(voters: readonly EnrolledVoter[]): Promise<Map<string, Identity>> {
  const identities = new Map<string, Identity>();
  for (const v of voters) {
    const identity = new Identity();
    await v.api.post("/api/me/identity", { commitment: identity.commitment.toString() }, true);
    identities.set(v.residentId, identity);
  }
  const deadline = Date.now() + 60_000;
  for (const v of voters) {
    for (;;) {
      const status = await v.api.get<{ status: string }>("/api/me/identity");
      if (status.status === "mined") break;
      if (Date.now() > deadline) throw new Error(`${v.residentId}'s identity was not published in time`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  return identities;
}

interface CensusArea {
  area: number;
  commitments: string[];
}

/** Casts a secret ballot for each voter (yes with probability `yes`); returns the ballot ids. */
export async function castSecretBallots(
  apiUrl: string,
  chain: ChainConfig,
  pollId: number,
  identities: ReadonlyMap<string, Identity>,
  random: () => number,
  yes = 0.75,
): Promise<string[]> {
  // No token: a secret ballot goes with no session, as the browser sends it.
  const anonymous = new ApiClient({ baseUrl: apiUrl });
  const census = await censusOnceIndexed(anonymous, pollId);
  const areas: CensusArea[] = [];
  for (const a of census.areas)
    areas.push(await anonymous.get<CensusArea>(`/api/polls/${pollId}/census/areas/${a.area}`));
  const ids: string[] = [];
  for (const identity of identities.values()) {
    const area = areas.find((a) => a.commitments.includes(identity.commitment.toString()));
    if (!area) continue;
    const group = new Group(area.commitments.map(BigInt));
    const choices = random() < yes ? 0b01n : 0b10n;
    const proof = await proveMembership(
      identity,
      group,
      secretMessage(choices, 1n),
      secretScope(chain.chainId, chain.ballotBox, pollId),
      proofDepthFor(group.size),
    );
    const answer = await anonymous.post<{ ballotId: string }>(
      "/api/secret-ballots",
      {
        pollId,
        choices: choices.toString(),
        revision: 1,
        area: area.area,
        proof: {
          depth: proof.merkleTreeDepth,
          root: proof.merkleTreeRoot.toString(),
          nullifier: proof.nullifier.toString(),
          points: proof.points.map(String),
        },
      },
      true,
    );
    ids.push(answer.ballotId);
  }
  return ids;
}

/** Waits until each secret ballot is mined (or failed); returns how many were mined. */
export async function waitForSecretBallots(apiUrl: string, ids: readonly string[], timeoutMs: number): Promise<number> {
  const api = new ApiClient({ baseUrl: apiUrl });
  let mined = 0;
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(ids);
  while (pending.size > 0 && Date.now() < deadline) {
    for (const id of [...pending]) {
      const { status } = await api.get<{ status: string }>(`/api/secret-ballots/${id}`);
      if (status === "mined") mined++;
      if (["mined", "failed", "superseded"].includes(status)) pending.delete(id);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return mined;
}

/** The poll's census, once the API's index has reached the poll (CENSUS_NOT_READY until then). */
async function censusOnceIndexed(api: ApiClient, pollId: number): Promise<{ areas: { area: number }[] }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.get<{ areas: { area: number }[] }>(`/api/polls/${pollId}/census`);
    } catch (err) {
      if (!(err instanceof CliError && err.code === "CENSUS_NOT_READY") || attempt >= 60) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
