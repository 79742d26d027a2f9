/**
 * The registry's history a census is drawn from (census.ts): enrolments, revocations and identity
 * commitments, read from the chain's logs in chain order. Anyone holding a JSON-RPC node rebuilds a
 * secret poll's census with this and `censusMembers`.
 */
import type { RegistryEvent } from "./census";
import { decodeEvent, EVENT_TOPICS } from "./events";
import { collectLogs } from "./logs";
import type { RawLog } from "./logs";
import type { JsonRpc } from "./rpc";

/** The registry event a log carries, or null for any other log. */
export function registryEventOf(log: RawLog): RegistryEvent | null {
  const e = decodeEvent(log);
  const block = parseInt(log.blockNumber, 16);
  if (e?.name === "VoterEnrolled") {
    return { kind: "voterEnrolled", block, resident: e.resident, key: e.key, district: e.district };
  }
  if (e?.name === "VoterRevoked") return { kind: "voterRevoked", block, resident: e.resident, key: e.key };
  if (e?.name === "IdentityCommitted") {
    return { kind: "identityCommitted", block, resident: e.resident, commitment: e.commitment, building: e.building };
  }
  return null;
}

/** Every registry event of the ballot box from `fromBlock` to `toBlock`, in chain order. */
export async function readRegistryEvents(
  rpc: JsonRpc,
  ballotBox: string,
  fromBlock: number,
  toBlock: number,
): Promise<RegistryEvent[]> {
  const topics = [[EVENT_TOPICS.VoterEnrolled, EVENT_TOPICS.VoterRevoked, EVENT_TOPICS.IdentityCommitted]];
  const logs = await collectLogs(rpc, { address: ballotBox, topics }, fromBlock, toBlock, { initialSpan: 10_000 });
  return logs.flatMap((log) => {
    const e = registryEventOf(log);
    return e ? [e] : [];
  });
}
