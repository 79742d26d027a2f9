/** Residents with identities, secret polls and secret ballots with real proofs, for the API tests. */
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import {
  buildCensus,
  censusMembers,
  encodePollContent,
  proofDepthFor,
  readRegistryEvents,
  RpcClient,
  secretMessage,
  secretScope,
} from "../../contracts/protocol";
import type { Census, CensusAreaKind, DecisionRule, Question } from "../../contracts/protocol";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";
import { eventually, http } from "./harness";
import type { Stack } from "./harness";
import { enrolThroughApi, importResidents, me, newResidentId, PASSWORD } from "./residentHelpers";
import type { Grant } from "./residentHelpers";

export interface SecretResident {
  residentId: string;
  token: string;
  identity: Identity;
  district: number;
  building: string;
  resident: number;
}

/** A signed-in resident with a voter key and a published identity. */
export async function secretResident(stack: Stack, district: number, building: string): Promise<SecretResident> {
  const residentId = newResidentId("s");
  const { created } = await importResidents(stack, [{ residentId, district, building }]);
  const code = created[0]!.activationCode;
  const grant = await http<Grant>(stack, "POST", "/api/auth/activate", { residentId, code, password: PASSWORD });
  const token = grant.body.token;
  await enrolThroughApi(stack, token);
  const identity = new Identity(`secret-${residentId}`);
  await http(stack, "POST", "/api/me/identity", { commitment: identity.commitment.toString() }, token);
  await eventually(
    async () => {
      const r = await http<{ status: string }>(stack, "GET", "/api/me/identity", undefined, token);
      return r.body.status === "mined" ? true : null;
    },
    30_000,
    "the identity to be mined",
  );
  const { resident } = await me(stack, token);
  return { residentId, token, identity, district, building, resident: resident! };
}

/** The census of the residents now in the registry, as staff build it to create a secret poll. */
export async function currentCensus(stack: Stack, districts: number[], areas: CensusAreaKind) {
  const rpc = new RpcClient(stack.chain.rpcUrl);
  const head = await stack.provider.getBlockNumber();
  const events = await readRegistryEvents(rpc, stack.deployment.ballotBox, stack.deployment.deployedBlock, head);
  return { census: buildCensus(censusMembers(events, head, districts, areas)), snapshotBlock: head };
}

/** Creates an active secret poll over the current census and waits until the API serves its census. */
export async function createSecretPoll(
  stack: Stack,
  options: {
    areas: CensusAreaKind;
    districts?: number[];
    rule?: DecisionRule;
    revote?: boolean;
    questions?: Question[];
    /** false: return once the API shows the poll, without waiting for its index (held still by a test). */
    indexed?: boolean;
  },
): Promise<{ pollId: number; census: Census }> {
  const questions = options.questions ?? [{ options: 2, maxChoices: 1 }];
  const districts = options.districts ?? [];
  const { census, snapshotBlock } = await currentCensus(stack, districts, options.areas);
  const text = (s: string) => ({ en: s, ru: s });
  const { uri, contentHash } = encodePollContent({
    title: text("Should the building be renovated?"),
    description: text("A secret test poll."),
    questions: questions.map((q, i) => ({
      text: text(`Question ${i + 1}`),
      options: Array.from({ length: q.options }, (_, o) => text(`Option ${o + 1}`)),
    })),
    areas: options.areas,
    ...(options.rule ? { rule: options.rule } : {}),
  });
  const now = (await stack.provider.getBlock("latest"))!.timestamp;
  const params = {
    contentHash,
    uri,
    start: now,
    end: now + 3600,
    questions,
    districts,
    revote: options.revote ?? true,
    points: 0,
  };
  const summary = { root: census.root, areas: census.areas.length, eligible: census.eligible, snapshotBlock };
  const receipt = await (await stack.staff.createSecretPoll(params, summary)).wait();
  let pollId = 0;
  for (const log of receipt?.logs ?? []) {
    const parsed = stack.staff.interface.parseLog(log);
    if (parsed?.name === "PollCreated") pollId = Number(parsed.args[0]);
  }
  // The API shows the poll from the contract at once; its census is served once the index has it.
  await eventually(async () => {
    const r = await http(
      stack,
      "GET",
      options.indexed === false ? `/api/polls/${pollId}` : `/api/polls/${pollId}/census`,
    );
    return r.status === 200 ? true : null;
  });
  return { pollId, census };
}

/**
 * The body a browser sends for a secret ballot: a proof of membership of the resident's own area,
 * claimed for `claimArea` (default the own area) with `claimRoot` (default the proof's own root).
 */
export async function secretBallotBody(
  stack: Stack,
  census: Census,
  member: SecretResident,
  ballot: { pollId: number; choices: bigint; revision: number },
  options: { claimArea?: number; claimRoot?: bigint; scopePollId?: number } = {},
) {
  const own = census.areas.find((a) => a.commitments.includes(member.identity.commitment));
  if (!own) throw new Error("the resident is not in the census");
  const group = new Group(own.commitments);
  const depth = proofDepthFor(group.size);
  const proof = await proveMembership(
    member.identity,
    group,
    secretMessage(ballot.choices, BigInt(ballot.revision)),
    secretScope(stack.deployment.chainId, stack.deployment.ballotBox, options.scopePollId ?? ballot.pollId),
    depth,
  );
  return {
    pollId: ballot.pollId,
    choices: ballot.choices.toString(),
    revision: ballot.revision,
    area: options.claimArea ?? own.area,
    proof: {
      depth: proof.merkleTreeDepth,
      root: (options.claimRoot ?? BigInt(proof.merkleTreeRoot)).toString(),
      nullifier: proof.nullifier.toString(),
      points: proof.points.map(String),
    },
  };
}

/** Posts a secret ballot with no session and no cookie, as the browser does. */
export async function postSecretBallot<T = Record<string, unknown>>(
  stack: Stack,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.api!.url}/api/secret-ballots`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}
