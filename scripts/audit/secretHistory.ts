/**
 * A secret poll's history as the audit replays it, read from the node alone: the census the poll
 * committed (SecretPollCreated), the registry's history the census is rebuilt from, and every counted
 * secret ballot (SecretBallotCast) with what its transaction's input carried — the area's path and
 * the membership proof — so each proof is checked again.
 */
import {
  ballotBoxInterface,
  collectLogs,
  decodeEvent,
  EVENT_TOPICS,
  hex,
  positionOf,
  readCastSecretBallot,
  readRegistryEvents,
  uintTopic,
} from "../../contracts/protocol";
import type { CastSecretBallot, RegistryEvent, SecretBallotArgs, SecretCensus } from "../../contracts/protocol";
import type { MembershipClaim } from "../../contracts/protocol/node/membershipCheck";
import { verifyProofCalldata } from "../../contracts/protocol/node/membershipCheck";
import { decodeCastSecretBallot } from "../../contracts/protocol/node/secretCodec";
import { MembershipBatchVerifier } from "../../contracts/protocol/node/membershipBatch";
import { CHUNK, checkOnAllCores } from "./proofWorkers";
import type { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import type { Position } from "./history";

export interface SecretBallotRecord extends Position, CastSecretBallot {
  txHash: string;
  /** Null when the transaction's input is not a castSecretBallot call. */
  input: SecretBallotArgs | null;
}

export interface SecretHistory {
  census: SecretCensus;
  registry: RegistryEvent[];
  ballots: SecretBallotRecord[];
}

/** Checks membership proofs; answers, in order, whether each verifies. */
export type ProofCheck = (claims: readonly MembershipClaim[]) => Promise<boolean[]>;

/** The poll's SecretPollCreated census, or null for an open poll. */
export async function secretCensusOf(
  rpc: NodeRpcClient,
  ballotBox: string,
  pollId: bigint,
  fromBlock: number,
  toBlock: number,
): Promise<SecretCensus | null> {
  const [log] = await collectLogs(
    rpc,
    { address: ballotBox, topics: [EVENT_TOPICS.SecretPollCreated, uintTopic(pollId)] },
    fromBlock,
    toBlock,
  );
  const e = log ? decodeEvent(log) : null;
  return e?.name === "SecretPollCreated" ? e.census : null;
}

/**
 * What castSecretBallot was called with: the layout the API writes read natively (a hundredth of the
 * generic decoder's time per ballot), any other through the ABI.
 */
export function decodeSecretBallotInput(data: string): SecretBallotArgs | null {
  return decodeCastSecretBallot(data) ?? readCastSecretBallot(data);
}

/** Each transaction's input by its hash, read in JSON-RPC batches ("0x" for one the node does not know). */
export async function transactionInputs(rpc: NodeRpcClient, hashes: readonly string[]): Promise<Map<string, string>> {
  const inputs = new Map<string, string>();
  for (let i = 0; i < hashes.length; i += 200) {
    const chunk = hashes.slice(i, i + 200);
    const txs = await rpc.batchAll<{ input: string } | null>(
      chunk.map((h) => ({ method: "eth_getTransactionByHash", params: [h] })),
    );
    txs.forEach((tx, j) => inputs.set(chunk[j]!, tx?.input ?? "0x"));
  }
  return inputs;
}

/** The secret poll's history up to `toBlock`. */
export async function fetchSecretHistory(
  rpc: NodeRpcClient,
  ballotBox: string,
  pollId: bigint,
  census: SecretCensus,
  fromBlock: number,
  toBlock: number,
): Promise<SecretHistory> {
  const registry = await readRegistryEvents(rpc, ballotBox, fromBlock, census.snapshotBlock);
  const logs = await collectLogs(
    rpc,
    { address: ballotBox, topics: [EVENT_TOPICS.SecretBallotCast, uintTopic(pollId)] },
    fromBlock,
    toBlock,
  );
  const inputs = await transactionInputs(rpc, [...new Set(logs.map((l) => l.transactionHash))]);
  const ballots = logs.flatMap((log) => {
    const e = decodeEvent(log);
    if (e?.name !== "SecretBallotCast") return [];
    const { name: _name, ...fields } = e;
    return [
      {
        ...fields,
        ...positionOf(log),
        txHash: log.transactionHash,
        input: decodeSecretBallotInput(inputs.get(log.transactionHash) ?? "0x"),
      },
    ];
  });
  return { census, registry, ballots };
}

/**
 * Checks proofs here, in batches, with the verification keys of `@zk-kit/semaphore-artifacts`: the
 * audit's own check, which trusts neither the API nor the node's execution of the verifier. A poll of
 * more than a few batches is checked on every core (proofWorkers.ts).
 */
export async function localCheck(): Promise<ProofCheck> {
  const verifier = await MembershipBatchVerifier.create();
  return async (claims) => {
    if (claims.length > 2 * CHUNK) return checkOnAllCores(claims);
    const results: boolean[] = [];
    for (let i = 0; i < claims.length; i += CHUNK) results.push(...(await verifier.verify(claims.slice(i, i + CHUNK))));
    return results;
  };
}

/** Checks proofs through the deployed SemaphoreVerifier by eth_call at `block`, 200 to a JSON-RPC batch. */
export async function verifierCheck(rpc: NodeRpcClient, ballotBox: string, block: number): Promise<ProofCheck> {
  const data = ballotBoxInterface.encodeFunctionData("membershipVerifier", []);
  const answer = await rpc.call<string>("eth_call", [{ to: ballotBox, data }, hex(block)]);
  const verifier = ballotBoxInterface.decodeFunctionResult("membershipVerifier", answer)[0] as string;
  return async (claims) => {
    const results: boolean[] = [];
    for (let i = 0; i < claims.length; i += 200) {
      const chunk = claims.slice(i, i + 200);
      const answers = await rpc.batch<string>(
        chunk.map((c) => ({
          method: "eth_call",
          params: [{ to: verifier, data: verifyProofCalldata(c) }, hex(block)],
        })),
      );
      for (const a of answers) results.push(typeof a === "string" && /^0x0*1$/.test(a));
    }
    return results;
  };
}
