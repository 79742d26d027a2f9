/**
 * Secret polls' censuses from the chain alone: the registry's events read in pages and the protocol's
 * census rule (contracts/protocol/census.ts), at the current block to create a poll, or at a poll's
 * snapshot block to read it back and check it against the root the poll committed.
 */
import { censusMembers, decodePollContent, readRegistryEvents } from "../../../contracts/protocol";
import type { Census, CensusAreaKind } from "../../../contracts/protocol";
import { buildCensusOnThreads } from "../../../contracts/protocol/node/censusOnThreads";
import type { ChainConnection } from "../chain";
import { CliError } from "../errors";

/** The census of the residents in the registry at `block` (default: the latest block). */
export async function censusAt(
  chain: ChainConnection,
  districts: readonly number[],
  kind: CensusAreaKind,
  block?: number,
): Promise<{ census: Census; snapshotBlock: number }> {
  const snapshotBlock = block ?? Number(await chain.rpc.call<string>("eth_blockNumber", []));
  const events = await readRegistryEvents(
    chain.rpc,
    chain.deployment.ballotBox,
    chain.deployment.deployedBlock,
    snapshotBlock,
  );
  return { census: await buildCensusOnThreads(censusMembers(events, snapshotBlock, districts, kind)), snapshotBlock };
}

export interface SecretPollCensus {
  census: Census;
  areaKind: CensusAreaKind;
  snapshotBlock: number;
  /** Whether the rebuilt census has the root, eligible count and areas the poll committed. */
  matches: boolean;
  onChainRoot: string;
}

/** A secret poll's census rebuilt from the registry at its snapshot block, held to its on-chain root. */
export async function secretPollCensus(
  chain: ChainConnection,
  pollId: number,
  view: { uri: string; contentHash: string },
  districts: readonly number[],
): Promise<SecretPollCensus> {
  const onChain = await chain.ballotBox.census(pollId);
  if (onChain.root === `0x${"0".repeat(64)}`) throw new CliError("POLL_NOT_SECRET", `poll ${pollId} is not secret`);
  const areaKind = decodePollContent(view.uri, view.contentHash)?.areas ?? "district";
  const snapshotBlock = Number(onChain.snapshotBlock);
  const { census } = await censusAt(chain, districts, areaKind, snapshotBlock);
  const matches =
    census.root.toLowerCase() === onChain.root.toLowerCase() &&
    census.eligible === Number(onChain.eligible) &&
    census.areas.length === Number(onChain.areas);
  return { census, areaKind, snapshotBlock, matches, onChainRoot: onChain.root };
}
