/**
 * Where a transaction's gas goes, measured from the node's opcode trace (debug_traceTransaction):
 * each top-level step's cost is the gas left before it minus the gas left when the trace is back at
 * its depth, so a call counts what it really used (precompile or contract), not what was forwarded.
 */
import { getBytes } from "ethers";

export interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
}

export interface GasBreakdown {
  /** Part name → gas; the parts sum to `gasUsed`. */
  parts: [string, number][];
  gasUsed: number;
  sstores: number;
  sloads: number;
}

/** EIP-2028: 4 gas per zero byte and 16 per non-zero byte of calldata (Cancun has no floor price). */
export function calldataGas(data: string): number {
  return getBytes(data).reduce((sum, byte) => sum + (byte === 0 ? 4 : 16), 0);
}

function partOf(op: string, intoContract: boolean): string {
  // A precompile runs no traced steps; the Semaphore verifier is a contract whose steps are traced.
  if (op === "STATICCALL") {
    return intoContract
      ? "membership proof check (Semaphore verifier call)"
      : "signature recovery (ecrecover precompile call)";
  }
  if (op === "KECCAK256") return "hashing (EIP-712 digest, leaf, tree nodes, mapping slots)";
  if (op === "SLOAD") return "storage reads (SLOAD)";
  if (op === "SSTORE") return "storage writes (SSTORE)";
  if (op.startsWith("LOG")) return "ballot event (LOG)";
  return "other execution (stack, memory, calldata copies, jumps)";
}

export const INTRINSIC_PART = "intrinsic transaction cost";
export const CALLDATA_PART = "calldata";
export const REFUND_PART = "storage refund";

export function breakdown(logs: readonly StructLog[], data: string, gasUsed: number): GasBreakdown {
  const totals = new Map<string, number>();
  let sstores = 0;
  let sloads = 0;
  const top = logs[0]?.depth ?? 1;
  logs.forEach((step, i) => {
    // Steps inside a called contract are counted in the call that made them.
    if (step.depth !== top) return;
    let back = i + 1;
    while (back < logs.length && logs[back]!.depth > top) back++;
    const resumed = logs[back];
    // A step's cost is what it took from the gas left, measured when the trace is back at its depth.
    const cost = resumed && resumed.depth === top ? step.gas - resumed.gas : step.gasCost;
    const part = partOf(step.op, back > i + 1);
    totals.set(part, (totals.get(part) ?? 0) + cost);
    if (step.op === "SSTORE") sstores++;
    if (step.op === "SLOAD") sloads++;
  });
  const intrinsic = 21_000;
  const calldata = calldataGas(data);
  const execution = [...totals.values()].reduce((a, b) => a + b, 0);
  const refund = intrinsic + calldata + execution - gasUsed;
  const parts: [string, number][] = [
    [INTRINSIC_PART, intrinsic],
    [CALLDATA_PART, calldata],
    ...[...totals.entries()].sort((a, b) => b[1] - a[1]),
    [REFUND_PART, -refund],
  ];
  return { parts, gasUsed, sstores, sloads };
}
