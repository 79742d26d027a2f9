/**
 * Demo voters go through the API exactly as a resident's browser does: activate with the letter's
 * code, enrol a new voter key by signing the enrolment text, then sign ballots (EIP-712) and post them.
 */
import type { ChainConfig } from "../../api/wire/health";
import type { MyPoll } from "../../api/wire/polls";
import { Wallet } from "ethers";
import type { HDNodeWallet } from "ethers";
import { BALLOT_TYPES, ballotDomain, ballotMessage, encodeChoices, enrolmentMessage } from "../../contracts/protocol";
import type { Question } from "../../contracts/protocol";
import { ApiClient } from "../cli/api";
import { CliError } from "../cli/errors";

export interface EnrolledVoter {
  residentId: string;
  password: string;
  address: string;
  key: HDNodeWallet;
  api: ApiClient;
}

export interface PostedBallot {
  residentId: string;
  pollId: number;
  revision: number;
  ballotId: string;
}

/** A small seeded generator, so the demo's ballots come out the same on every fresh start. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Random but lopsided choices (earlier options are likelier), within each question's maxChoices. */
export function demoChoices(questions: readonly Question[], random: () => number): bigint {
  const selected = questions.map((q) => {
    const count = 1 + Math.floor(random() * q.maxChoices);
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(Math.floor(q.options * random() ** 1.6));
    return [...chosen];
  });
  return encodeChoices(questions, selected);
}

async function withRateLimit<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const details =
        error instanceof CliError ? (error.details as { retryAfterSeconds?: number } | undefined) : undefined;
      if (!(error instanceof CliError) || error.code !== "RATE_LIMITED" || attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * (details?.retryAfterSeconds ?? 30)));
    }
  }
}

export async function enrolVoter(
  apiUrl: string,
  chain: ChainConfig,
  resident: { residentId: string; code: string },
  password: string,
): Promise<EnrolledVoter> {
  const anonymous = new ApiClient({ baseUrl: apiUrl });
  const grant = await withRateLimit(() =>
    anonymous.post<{ token: string }>("/api/auth/activate", {
      residentId: resident.residentId,
      code: resident.code,
      password,
    }),
  );
  const api = new ApiClient({ baseUrl: apiUrl, token: grant.token });
  const me = await api.get<{ residentHash: string }>("/api/me");
  const key = Wallet.createRandom();
  const issuedAt = new Date().toISOString();
  const signature = await key.signMessage(
    enrolmentMessage({
      residentHash: me.residentHash,
      address: key.address,
      chainId: chain.chainId,
      ballotBox: chain.ballotBox,
      issuedAt,
    }),
  );
  await api.post("/api/me/voter-key", { address: key.address, issuedAt, signature });
  return { residentId: resident.residentId, password, address: key.address, key, api };
}

/** Signs and posts a ballot in `poll`; returns its id (its Merkle leaf). */
export async function castBallot(
  voter: EnrolledVoter,
  chain: ChainConfig,
  poll: Pick<MyPoll, "pollId" | "questions">,
  revision: number,
  random: () => number,
): Promise<PostedBallot> {
  const ballot = {
    pollId: BigInt(poll.pollId),
    choices: demoChoices(poll.questions, random),
    revision: BigInt(revision),
  };
  const signature = await voter.key.signTypedData(
    ballotDomain(chain.chainId, chain.ballotBox),
    BALLOT_TYPES,
    ballotMessage(ballot),
  );
  const answer = await voter.api.post<{ ballotId: string }>(
    "/api/ballots",
    { pollId: poll.pollId, choices: ballot.choices.toString(), revision, signature },
    true,
  );
  return { residentId: voter.residentId, pollId: poll.pollId, revision, ballotId: answer.ballotId };
}

/** Waits until each ballot is mined (or failed); returns how many were mined. */
export async function waitForBallots(
  apiUrl: string,
  ballots: readonly PostedBallot[],
  timeoutMs: number,
): Promise<number> {
  const api = new ApiClient({ baseUrl: apiUrl });
  const pending = new Set(ballots.map((b) => b.ballotId));
  let mined = 0;
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const ballotId of [...pending]) {
      const status = await api.get<{ status: string }>(`/api/ballots/${ballotId}`);
      if (status.status === "mined" || status.status === "superseded") mined++;
      if (["mined", "superseded", "failed"].includes(status.status)) pending.delete(ballotId);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return mined;
}
