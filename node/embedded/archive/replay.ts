/**
 * After a crash anvil restarts from its last state dump, a few seconds behind what it had mined; the
 * archive copied those lost blocks as they were mined. Before mining resumes, their transactions are
 * sent again, block by block with the blocks' own timestamps, so that nothing the chain once mined —
 * ballots, enrolments, staff actions — is lost to a kill. Only what was mined in the last moment
 * before the kill, not yet copied, is lost (the API's outbox re-sends ballots among it).
 */
import { Transaction } from "ethers";
import type { NodeRpcClient } from "../../../contracts/protocol/node/rpc";
import type { ArchiveStore } from "./store";

interface RpcTransaction {
  hash: string;
  type: string;
  nonce: string;
  gas: string;
  gasPrice?: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  to: string | null;
  value: string;
  input: string;
  chainId?: string;
  accessList?: { address: string; storageKeys: string[] }[];
  r: string;
  s: string;
  v: string;
  yParity?: string;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** The signed transaction anvil served, serialized again; null if it does not hash back to itself. */
export function rawTransaction(json: string): string | null {
  const t = JSON.parse(json) as RpcTransaction;
  const type = Number(t.type);
  const tx = Transaction.from({
    type,
    nonce: Number(t.nonce),
    gasLimit: BigInt(t.gas),
    to: t.to,
    value: BigInt(t.value),
    data: t.input,
    chainId: t.chainId === undefined ? undefined : BigInt(t.chainId),
    ...(type === 2
      ? { maxFeePerGas: BigInt(t.maxFeePerGas ?? 0), maxPriorityFeePerGas: BigInt(t.maxPriorityFeePerGas ?? 0) }
      : { gasPrice: BigInt(t.gasPrice ?? 0) }),
    ...(type === 0 ? {} : { accessList: t.accessList ?? [] }),
    signature: { r: t.r, s: t.s, v: Number(t.yParity ?? t.v) },
  });
  return tx.hash?.toLowerCase() === t.hash.toLowerCase() ? tx.serialized : null;
}

/**
 * Mines again, on the node (not mining on its own yet), the archived blocks it no longer has; returns
 * how many transactions it sent again. The archive is reconciled with the node afterwards by the copier.
 */
export async function replayLostBlocks(
  node: NodeRpcClient,
  archive: ArchiveStore,
  log: (message: string) => void,
): Promise<number> {
  const head = Number(await node.call<string>("eth_blockNumber", []));
  const ours = archive.hashOf(head);
  const theirs = await node.call<{ hash: string } | null>("eth_getBlockByNumber", [hex(head), false]);
  // The node's head is not one the archive knows (another chain, or an archive behind): nothing to do.
  if (ours === null || theirs?.hash !== ours) return 0;
  const lost = archive.blocksAfter(head);
  if (lost.length === 0) return 0;
  let sent = 0;
  let skipped = 0;
  for (const block of lost) {
    const raws = block.transactions.map((tx) => (tx.startsWith("0x") ? tx : rawTransaction(tx)));
    skipped += raws.filter((r) => r === null).length;
    const timestamp = Number((JSON.parse(block.header) as { timestamp: string }).timestamp);
    await node.call("evm_setNextBlockTimestamp", [hex(timestamp)]).catch(() => undefined);
    const answers = await node.batch(
      raws.flatMap((raw) => (raw === null ? [] : [{ method: "eth_sendRawTransaction", params: [raw] }])),
    );
    sent += answers.filter((a) => !(a instanceof Error)).length;
    await node.call("evm_mine", []);
  }
  log(
    `sent again the ${sent} transactions of blocks ${lost[0]!.number}..${lost.at(-1)!.number}, lost by the node` +
      (skipped > 0 ? `; ${skipped} could not be rebuilt` : ""),
  );
  return sent;
}
