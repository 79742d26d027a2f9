/**
 * A secret poll's recount from the chain alone, in the browser: the census rebuilt from the registry's
 * events as the protocol's census rule says (one identity per resident at the snapshot block) and set
 * beside the census the poll committed; every SecretBallotCast read, each nullifier counted once with
 * its latest revision and in one area; the tallies per area and in total and the ballot tree's root
 * recounted; and every ballot's membership proof, read from its transaction, verified here.
 */
import { JsonRpcProvider } from "ethers";
import { buildCensus, censusMembers } from "../../../contracts/protocol/census";
import type { CensusAreaKind } from "../../../contracts/protocol/census";
import { connectBallotBox } from "../../../contracts/protocol/contract";
import { MembershipBatchVerifier } from "../../../contracts/protocol/membershipBatch";
import { readCastSecretBallot } from "../../../contracts/protocol/secretCall";
import type { MembershipClaim } from "../../../contracts/protocol/membershipBatch";
import { decodeEvent, EVENT_TOPICS } from "../../../contracts/protocol/events";
import { collectLogs, uintTopic } from "../../../contracts/protocol/logs";
import type { RawLog } from "../../../contracts/protocol/logs";
import { readRegistryEvents } from "../../../contracts/protocol/registryEvents";
import { RpcClient } from "../../../contracts/protocol/rpc";
import { secretMessage, secretScope } from "../../../contracts/protocol/secretBallot";
import { SecretCount } from "../../../contracts/protocol/secretCount";
import { buildBallotTree, treeRoot } from "../../../contracts/protocol/tree";
import type { RecountRequest } from "./recount";
import { verificationKey } from "./verificationKeys";

export interface SecretRecountRequest extends RecountRequest {
  areaKind: CensusAreaKind;
  /** Verify every ballot's membership proof (one transaction read and one pairing check each). */
  verifyProofs: boolean;
}

export type SecretRecountProgress =
  | { phase: "registry"; block: number }
  | { phase: "ballots"; ballots: number }
  | { phase: "proofs"; done: number; total: number };

export interface SecretAreaRecount {
  area: number;
  eligible: number;
  voters: number;
  tallies: string[];
  chainTallies: string[];
  match: boolean;
}

export interface SecretRecountResult {
  block: number;
  ballots: number;
  voters: number;
  census: {
    root: string;
    chainRoot: string;
    rootMatch: boolean;
    eligible: number;
    chainEligible: number;
    eligibleMatch: boolean;
    areas: number;
    chainAreas: number;
    /** Identity commitments held by more than one resident of the census (each would count twice). */
    sharedCommitments: number;
  };
  /**
   * Ballots that break the counting rule (secretCount.ts): a revision not above the nullifier's last,
   * another area, an area not in the census.
   */
  nullifierProblems: number;
  proofs: { checked: number; valid: number } | null;
  tallies: string[];
  chainTallies: string[];
  talliesMatch: boolean;
  areas: SecretAreaRecount[];
  areasMatch: boolean;
  root: string;
  chainRoot: string;
  rootMatch: boolean;
  chainBallots: number;
  ballotsMatch: boolean;
}

interface SecretBallotLog {
  nullifier: bigint;
  area: number;
  leafIndex: number;
  choices: bigint;
  revision: bigint;
  txHash: string;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export async function recountSecretPoll(
  request: SecretRecountRequest,
  onProgress: (p: SecretRecountProgress) => void = () => undefined,
): Promise<SecretRecountResult> {
  const provider = new JsonRpcProvider(request.rpcUrl, request.chainId, { staticNetwork: true, batchMaxCount: 1 });
  const rpc = new RpcClient(request.rpcUrl, 60_000);
  try {
    const box = connectBallotBox(request.ballotBox, provider);
    const head = await provider.getBlockNumber();
    const at = { blockTag: head };
    const [view, chainCensus, chainTallies, chainRoot] = await Promise.all([
      box.poll(request.pollId, at),
      box.census(request.pollId, at),
      box.tallies(request.pollId, at),
      box.ballotRoot(request.pollId, at),
    ]);
    const totalOptions = view.questions.reduce((sum: number, q) => sum + Number(q.options), 0);
    const snapshot = Number(chainCensus.snapshotBlock);

    // The census, from the registry's history up to the snapshot and the poll's own districts.
    const created = await collectLogs(
      rpc,
      { address: request.ballotBox, topics: [EVENT_TOPICS.PollCreated, uintTopic(request.pollId)] },
      request.deployedBlock,
      head,
    );
    const createdEvent = created.map((log) => decodeEvent(log)).find((e) => e?.name === "PollCreated");
    const districts = createdEvent?.name === "PollCreated" ? createdEvent.poll.districts.map(Number) : [];
    onProgress({ phase: "registry", block: snapshot });
    const registry = await readRegistryEvents(rpc, request.ballotBox, request.deployedBlock, snapshot);
    const members = censusMembers(registry, snapshot, view.cityWide ? [] : districts, request.areaKind);
    const census = buildCensus(members);
    const commitments = new Map<bigint, number>();
    for (const m of members) commitments.set(m.commitment, (commitments.get(m.commitment) ?? 0) + 1);
    const sharedCommitments = [...commitments.values()].filter((n) => n > 1).length;

    // The ballots, in leaf order; each nullifier counts once, with its latest revision, in one area.
    const logs: RawLog[] = await collectLogs(
      rpc,
      { address: request.ballotBox, topics: [EVENT_TOPICS.SecretBallotCast, uintTopic(request.pollId)] },
      request.deployedBlock,
      head,
      { initialSpan: request.pageBlocks ?? 50_000 },
    );
    const ballots: SecretBallotLog[] = logs.flatMap((log) => {
      const e = decodeEvent(log);
      return e?.name === "SecretBallotCast" ? [{ ...e, txHash: log.transactionHash }] : [];
    });
    onProgress({ phase: "ballots", ballots: ballots.length });
    const count = new SecretCount(
      totalOptions,
      view.revote,
      census.areas.map((a) => a.area),
    );
    let nullifierProblems = 0;
    for (const b of ballots) {
      if (count.add({ ...b, pollId: BigInt(request.pollId) }).length > 0) nullifierProblems++;
    }
    const { leaves, total } = count;
    const root = treeRoot(buildBallotTree(leaves));

    const areas = await Promise.all(
      census.areas.map(async (a) => {
        const chain = (await box.areaTallies(request.pollId, a.index, at)).map(String);
        const counted = count.area(a.area);
        const tallies = counted.tallies().map(String);
        return {
          area: a.area,
          eligible: a.commitments.length,
          voters: counted.voters,
          tallies,
          chainTallies: chain,
          match: sameList(tallies, chain),
        };
      }),
    );

    const proofs = request.verifyProofs ? await verifyBallotProofs(rpc, request, ballots, census, onProgress) : null;
    const tallies = total.tallies().map(String);
    const chain = chainTallies.map(String);
    return {
      block: head,
      ballots: ballots.length,
      voters: total.voters,
      census: {
        root: census.root,
        chainRoot: chainCensus.root,
        rootMatch: census.root.toLowerCase() === chainCensus.root.toLowerCase(),
        eligible: census.eligible,
        chainEligible: Number(chainCensus.eligible),
        eligibleMatch: census.eligible === Number(chainCensus.eligible),
        areas: census.areas.length,
        chainAreas: Number(chainCensus.areas),
        sharedCommitments,
      },
      nullifierProblems,
      proofs,
      tallies,
      chainTallies: chain,
      talliesMatch: sameList(tallies, chain),
      areas,
      areasMatch: areas.every((a) => a.match),
      root,
      chainRoot,
      rootMatch: root.toLowerCase() === chainRoot.toLowerCase(),
      chainBallots: Number(view.ballots),
      ballotsMatch: Number(view.ballots) === ballots.length,
    };
  } finally {
    provider.destroy();
  }
}

/** Transactions read per JSON-RPC batch, and proofs checked per pairing batch. */
const TX_BATCH = 256;

/**
 * Reads each ballot's transaction and checks the proof it carried against the rebuilt census: the
 * area's root must be the census's, and the proof must verify for this poll's scope and the ballot's
 * choices and revision. Proofs are checked in batches (Groth16 batch verification, as `veche audit`
 * does), about a millisecond each.
 */
async function verifyBallotProofs(
  rpc: RpcClient,
  request: SecretRecountRequest,
  ballots: readonly SecretBallotLog[],
  census: ReturnType<typeof buildCensus>,
  onProgress: (p: SecretRecountProgress) => void,
): Promise<{ checked: number; valid: number }> {
  const verifier = await MembershipBatchVerifier.create({ key: verificationKey });
  const scope = secretScope(request.chainId, request.ballotBox, request.pollId);
  const roots = new Map(census.areas.map((a) => [a.area, a.root]));
  let valid = 0;
  for (let from = 0; from < ballots.length; from += TX_BATCH) {
    const slice = ballots.slice(from, from + TX_BATCH);
    const txs = await rpc.batchAll<{ input: string } | null>(
      slice.map((b) => ({ method: "eth_getTransactionByHash", params: [b.txHash] })),
    );
    const claims: MembershipClaim[] = [];
    for (const [i, tx] of txs.entries()) {
      const b = slice[i]!;
      if (!tx) continue;
      const call = readCastSecretBallot(tx.input);
      if (!call) continue;
      const { area, proof } = call;
      const censusRoot = roots.get(Number(area.area));
      if (censusRoot === undefined || censusRoot !== area.root || proof.nullifier !== b.nullifier) continue;
      claims.push({
        points: [...proof.points],
        root: area.root,
        nullifier: proof.nullifier,
        message: secretMessage(b.choices, b.revision),
        scope,
        depth: Number(proof.depth),
      });
    }
    valid += (await verifier.verify(claims)).filter(Boolean).length;
    onProgress({ phase: "proofs", done: Math.min(ballots.length, from + TX_BATCH), total: ballots.length });
  }
  return { checked: ballots.length, valid };
}
