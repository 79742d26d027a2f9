/**
 * The audit as a library: reads a poll's whole history straight from a node (trusting nothing else),
 * streams its ballots through the checker page by page, and compares with the contract's own values
 * read at the same block.
 */
import {
  ballotBoxInterface,
  collectLogs,
  EVENT_TOPICS,
  hex,
  pollStateName,
  scanLogs,
  uintTopic,
} from "../../contracts/protocol";
import type { ScanOptions } from "../../contracts/protocol";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import { cannotCheck } from "../cli/errors";
import { PollChecker } from "./checker";
import type { AuditReport } from "./checker";
import { ballotRecord, decodeLifecycle, registryEvent } from "./history";
import { checkSecretPoll } from "./secretChecker";
import type { SecretOnChain, SecretPollInput } from "./secretChecker";
import { fetchSecretHistory, localCheck, secretCensusOf } from "./secretHistory";
import { decodeEvent, decodePollContent } from "../../contracts/protocol";
import type { RawLog, SecretCensus } from "../../contracts/protocol";
import type { BallotRecord, OnChainPoll, PollHistory, RegistryEvent } from "./history";

export interface AuditProgress {
  phase: "registry" | "ballots" | "tree";
  /** Blocks scanned so far and in all, in the current phase. */
  blocksDone: number;
  blocksTotal: number;
  ballots: number;
}

export interface AuditOptions {
  rpcUrl: string;
  ballotBox: string;
  pollId: bigint | number;
  /** First block to scan: the deployment's block. Default 0. */
  fromBlock?: number;
  /** Last block to read; default the head when the audit starts. */
  toBlock?: number;
  onProgress?: (progress: AuditProgress) => void;
  /** Default true; the speed benchmark turns it off to time the recount alone. */
  checkSignatures?: boolean;
  scan?: ScanOptions;
}

/** What every poll's audit shares: the node, the snapshot block and the registry's history. */
export interface ChainSnapshot {
  rpc: NodeRpcClient;
  chainId: bigint;
  ballotBox: string;
  fromBlock: number;
  block: number;
  registry: RegistryEvent[];
  /** Each poll's values at `block`, read once (stateAt). */
  states: Map<bigint, Promise<PollStateAt>>;
}

const LIFECYCLE_TOPICS = [
  EVENT_TOPICS.PollCreated,
  EVENT_TOPICS.PollClosed,
  EVENT_TOPICS.PollCancelled,
  EVENT_TOPICS.PollFinalized,
];

/**
 * The head (or `toBlock`) and the registry's history up to it. The contract's values for `polls` at that
 * block are read first, before the long scans, while the node surely still keeps that block's state.
 */
export async function openSnapshot(
  options: Omit<AuditOptions, "pollId">,
  polls: "all" | readonly bigint[] = [],
): Promise<ChainSnapshot> {
  const rpc = new NodeRpcClient(options.rpcUrl, 120_000);
  const [chainIdHex, headHex, code] = await rpc.batchAll<string>([
    { method: "eth_chainId", params: [] },
    { method: "eth_blockNumber", params: [] },
    { method: "eth_getCode", params: [options.ballotBox, "latest"] },
  ]);
  if (!code || code === "0x") {
    throw cannotCheck("BALLOT_BOX_NOT_FOUND", `no contract at ${options.ballotBox} on ${options.rpcUrl}`);
  }
  const block = options.toBlock ?? Number(headHex);
  const fromBlock = options.fromBlock ?? 0;
  const registry: RegistryEvent[] = [];
  const snapshot: ChainSnapshot = {
    rpc,
    chainId: BigInt(chainIdHex ?? "0"),
    ballotBox: options.ballotBox,
    fromBlock,
    block,
    registry,
    states: new Map(),
  };
  const count = await pollCount(snapshot);
  const ids = polls === "all" ? Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1)) : polls;
  for (const id of ids) if (id >= 1n && id <= count) await stateAt(snapshot, id);
  const filter = { address: options.ballotBox, topics: [[EVENT_TOPICS.VoterEnrolled, EVENT_TOPICS.VoterRevoked]] };
  for await (const page of scanLogs(rpc, filter, fromBlock, block, options.scan)) {
    for (const log of page.logs) {
      const e = registryEvent(log);
      if (e) registry.push(e);
    }
    options.onProgress?.({
      phase: "registry",
      blocksDone: page.to - fromBlock + 1,
      blocksTotal: block - fromBlock + 1,
      ballots: 0,
    });
  }
  return snapshot;
}

/** The contract's values for a poll at the snapshot block; `areaTallies` for a secret poll's areas. */
interface PollStateAt {
  poll: OnChainPoll;
  areaTallies: bigint[][] | null;
}

/** The contract's stored values for the poll at the snapshot block. */
export async function readOnChain(snapshot: ChainSnapshot, pollId: bigint): Promise<OnChainPoll> {
  return (await stateAt(snapshot, pollId)).poll;
}

/**
 * Read once per poll and kept: a node keeps the state of its latest blocks only (the embedded chain 256),
 * so the snapshot's values are read when it is taken, not when a long history scan ends.
 */
function stateAt(snapshot: ChainSnapshot, pollId: bigint): Promise<PollStateAt> {
  let read = snapshot.states.get(pollId);
  if (!read) {
    read = readState(snapshot, pollId);
    snapshot.states.set(pollId, read);
  }
  return read;
}

async function readState(snapshot: ChainSnapshot, pollId: bigint): Promise<PollStateAt> {
  const call = (fn: "poll" | "tallies" | "ballotRoot" | "census" | "areaTallies", ...args: unknown[]) => ({
    method: "eth_call",
    params: [
      { to: snapshot.ballotBox, data: ballotBoxInterface.encodeFunctionData(fn, [pollId, ...args]) },
      hex(snapshot.block),
    ],
  });
  const [pollData, talliesData, rootData] = await atSnapshot(snapshot, [
    call("poll"),
    call("tallies"),
    call("ballotRoot"),
  ]);
  const view = ballotBoxInterface.decodeFunctionResult("poll", pollData!)[0] as unknown as {
    ballots: bigint;
    state: bigint;
    finalRoot: string;
    secret: boolean;
  };
  const poll: OnChainPoll = {
    block: snapshot.block,
    state: pollStateName(view.state),
    ballots: Number(view.ballots),
    tallies: [...(ballotBoxInterface.decodeFunctionResult("tallies", talliesData!)[0] as bigint[])],
    ballotRoot: (ballotBoxInterface.decodeFunctionResult("ballotRoot", rootData!)[0] as string).toLowerCase(),
    finalRoot: view.finalRoot.toLowerCase(),
  };
  if (!view.secret) return { poll, areaTallies: null };
  const [censusData] = await atSnapshot(snapshot, [call("census")]);
  const areas = Number((ballotBoxInterface.decodeFunctionResult("census", censusData!)[0] as { areas: bigint }).areas);
  const areaTallies = await atSnapshot(
    snapshot,
    Array.from({ length: areas }, (_, i) => call("areaTallies", i)),
  );
  return {
    poll,
    areaTallies: areaTallies.map((d) => [
      ...(ballotBoxInterface.decodeFunctionResult("areaTallies", d)[0] as bigint[]),
    ]),
  };
}

/** Calls at the snapshot block; a node that no longer keeps that block's state is named as the cause. */
async function atSnapshot(snapshot: ChainSnapshot, calls: { method: string; params: unknown[] }[]) {
  try {
    return await snapshot.rpc.batchAll<string>(calls);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!/BlockOutOfRange|missing trie node|state .*not available|header not found/i.test(message)) throw err;
    throw cannotCheck(
      "STATE_NOT_KEPT",
      `the node no longer keeps the contract's state at block ${snapshot.block} (${message}); ` +
        "audit at a recent block, or against a node that keeps older states",
    );
  }
}

async function assertPollExists(snapshot: ChainSnapshot, pollId: bigint): Promise<void> {
  if (pollId < 1n || pollId > (await pollCount(snapshot))) {
    throw cannotCheck("POLL_NOT_FOUND", `poll ${pollId} does not exist at block ${snapshot.block}`);
  }
}

export async function pollCount(snapshot: ChainSnapshot): Promise<bigint> {
  const [data] = await atSnapshot(snapshot, [
    {
      method: "eth_call",
      params: [
        { to: snapshot.ballotBox, data: ballotBoxInterface.encodeFunctionData("pollCount", []) },
        hex(snapshot.block),
      ],
    },
  ]);
  return ballotBoxInterface.decodeFunctionResult("pollCount", data!)[0] as bigint;
}

/** Timestamps of `blocks`, fetched in JSON-RPC batches. */
async function blockTimes(rpc: NodeRpcClient, blocks: readonly number[], into: Map<number, number>): Promise<void> {
  const missing = blocks.filter((b) => !into.has(b));
  for (let i = 0; i < missing.length; i += 100) {
    const chunk = missing.slice(i, i + 100);
    const answers = await rpc.batchAll<{ timestamp: string } | null>(
      chunk.map((b) => ({ method: "eth_getBlockByNumber", params: [hex(b), false] })),
    );
    answers.forEach((a, j) => {
      if (a) into.set(chunk[j]!, Number(a.timestamp));
    });
  }
}

export async function auditPollAt(
  snapshot: ChainSnapshot,
  pollId: bigint,
  options: Pick<AuditOptions, "onProgress" | "checkSignatures" | "scan"> = {},
): Promise<AuditReport> {
  const { rpc, ballotBox } = snapshot;
  const lifecycleLogs = await collectLogs(
    rpc,
    {
      address: ballotBox,
      topics: [LIFECYCLE_TOPICS, uintTopic(pollId)],
    },
    snapshot.fromBlock,
    snapshot.block,
    options.scan,
  );
  const { poll, lifecycle } = decodeLifecycle(lifecycleLogs);
  if (!poll) await assertPollExists(snapshot, pollId);
  const census = await secretCensusOf(
    rpc,
    ballotBox,
    pollId,
    poll?.created.block ?? snapshot.fromBlock,
    snapshot.block,
  );
  if (census) return auditSecretPollAt(snapshot, pollId, lifecycleLogs, census);
  const times = new Map<number, number>();
  const history: Omit<PollHistory, "ballots"> = {
    chainId: snapshot.chainId,
    ballotBox,
    pollId,
    poll,
    lifecycle,
    registry: snapshot.registry,
    blockTimes: times,
  };
  const checker = new PollChecker(history, { checkSignatures: options.checkSignatures });
  const start = poll?.created.block ?? snapshot.fromBlock;
  const pages = scanLogs(
    rpc,
    { address: ballotBox, topics: [EVENT_TOPICS.BallotCast, uintTopic(pollId)] },
    start,
    snapshot.block,
    options.scan,
  );
  let ballots = 0;
  // The next page is fetched while this one is checked.
  let next = pages.next();
  for (;;) {
    const result = await next;
    if (result.done) break;
    next = pages.next();
    const page = result.value;
    const records: BallotRecord[] = page.logs.map(ballotRecord);
    await blockTimes(rpc, [...new Set(records.map((r) => r.block))], times);
    for (const r of records) checker.add(r);
    ballots += records.length;
    options.onProgress?.({
      phase: "ballots",
      blocksDone: page.to - start + 1,
      blocksTotal: snapshot.block - start + 1,
      ballots,
    });
  }
  const onChain = await readOnChain(snapshot, pollId);
  options.onProgress?.({ phase: "tree", blocksDone: 1, blocksTotal: 1, ballots });
  return checker.finish(onChain);
}

/** A secret poll's history and the contract's values, in memory: what `checkSecretPoll` judges. */
export async function fetchSecretPoll(
  snapshot: ChainSnapshot,
  pollId: bigint,
  lifecycleLogs: readonly RawLog[],
  census: SecretCensus,
): Promise<{ input: SecretPollInput; onChain: SecretOnChain }> {
  const { rpc, ballotBox } = snapshot;
  const { poll, lifecycle } = decodeLifecycle(lifecycleLogs);
  const created = lifecycleLogs.map((l) => decodeEvent(l)).find((e) => e?.name === "PollCreated");
  const content =
    created?.name === "PollCreated" ? decodePollContent(created.poll.uri, created.poll.contentHash) : null;
  const history = await fetchSecretHistory(rpc, ballotBox, pollId, census, snapshot.fromBlock, snapshot.block);
  const times = new Map<number, number>();
  await blockTimes(rpc, [...new Set(history.ballots.map((b) => b.block))], times);
  const { poll: onChain, areaTallies } = await stateAt(snapshot, pollId);
  return {
    input: {
      chainId: snapshot.chainId,
      ballotBox,
      pollId,
      poll,
      lifecycle,
      areaKind: content?.areas ?? "district",
      history,
      blockTimes: times,
    },
    onChain: { ...onChain, areaTallies: areaTallies ?? [] },
  };
}

/** The poll's lifecycle logs and, for a secret poll, its committed census (null for an open poll). */
export async function pollLifecycle(
  snapshot: ChainSnapshot,
  pollId: bigint,
): Promise<{ logs: RawLog[]; census: SecretCensus | null }> {
  const logs = await collectLogs(
    snapshot.rpc,
    { address: snapshot.ballotBox, topics: [LIFECYCLE_TOPICS, uintTopic(pollId)] },
    snapshot.fromBlock,
    snapshot.block,
  );
  const census = await secretCensusOf(snapshot.rpc, snapshot.ballotBox, pollId, snapshot.fromBlock, snapshot.block);
  return { logs, census };
}

/**
 * Audits a secret poll: its census rebuilt from the registry, every ballot's proof from its
 * transaction's input checked again here (not by the node), nullifiers, per-area and total tallies and
 * the root.
 */
export async function auditSecretPollAt(
  snapshot: ChainSnapshot,
  pollId: bigint,
  lifecycleLogs: readonly RawLog[],
  census: SecretCensus,
): Promise<AuditReport> {
  const { input, onChain } = await fetchSecretPoll(snapshot, pollId, lifecycleLogs, census);
  return checkSecretPoll(input, onChain, await localCheck());
}

/** Audits one poll: the whole registry history, the poll's events, and the contract's values. */
export async function auditPoll(options: AuditOptions): Promise<AuditReport> {
  const snapshot = await openSnapshot(options, [BigInt(options.pollId)]);
  return auditPollAt(snapshot, BigInt(options.pollId), options);
}

/** Audits every poll the contract has, sharing one snapshot and one registry read. */
export async function auditAllPolls(options: Omit<AuditOptions, "pollId">): Promise<AuditReport[]> {
  const snapshot = await openSnapshot(options, "all");
  // Every poll at the snapshot had its values read with it, one entry each.
  const count = BigInt(snapshot.states.size);
  const reports: AuditReport[] = [];
  for (let id = 1n; id <= count; id++) reports.push(await auditPollAt(snapshot, id, options));
  return reports;
}

/**
 * The poll's whole history and the contract's values, held in memory: for tests and small polls that
 * want to look at (or alter) what the checker sees. `auditPollAt` streams instead.
 */
export async function fetchPollHistory(
  snapshot: ChainSnapshot,
  pollId: bigint,
  scan?: ScanOptions,
): Promise<{ history: PollHistory & { ballots: BallotRecord[] }; onChain: OnChainPoll }> {
  const lifecycleLogs = await collectLogs(
    snapshot.rpc,
    {
      address: snapshot.ballotBox,
      topics: [LIFECYCLE_TOPICS, uintTopic(pollId)],
    },
    snapshot.fromBlock,
    snapshot.block,
    scan,
  );
  const { poll, lifecycle } = decodeLifecycle(lifecycleLogs);
  if (!poll) await assertPollExists(snapshot, pollId);
  const logs = await collectLogs(
    snapshot.rpc,
    { address: snapshot.ballotBox, topics: [EVENT_TOPICS.BallotCast, uintTopic(pollId)] },
    snapshot.fromBlock,
    snapshot.block,
    scan,
  );
  const ballots = logs.map(ballotRecord);
  const times = new Map<number, number>();
  await blockTimes(snapshot.rpc, [...new Set(ballots.map((b) => b.block))], times);
  const history = {
    chainId: snapshot.chainId,
    ballotBox: snapshot.ballotBox,
    pollId,
    poll,
    lifecycle,
    registry: snapshot.registry,
    ballots,
    blockTimes: times,
  };
  return { history, onChain: await readOnChain(snapshot, pollId) };
}
