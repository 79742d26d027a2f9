/**
 * The deployed contract as TypeScript sees it: the ABI (BallotBox.abi.json, written by each compile,
 * without bytecode so the browser bundle stays small), a typed connection, role names, and decoding of
 * its custom errors by name.
 */
import { Contract, Interface, keccak256, toUtf8Bytes } from "ethers";
import type { ContractRunner } from "ethers";
import type { BallotBox } from "../../typechain-types/contracts/BallotBox";
import abi from "./BallotBox.abi.json";

export type { BallotBox };

export const BALLOT_BOX_ABI = abi;
export const ballotBoxInterface = new Interface(BALLOT_BOX_ABI);

/** The ballot box at `address`, typed by the compiled contract's interface. */
export function connectBallotBox(address: string, runner: ContractRunner | null): BallotBox {
  return new Contract(address, BALLOT_BOX_ABI, runner) as unknown as BallotBox;
}

export const ROLES = {
  admin: `0x${"00".repeat(32)}`,
  pollAdmin: keccak256(toUtf8Bytes("POLL_ADMIN_ROLE")),
  registrar: keccak256(toUtf8Bytes("REGISTRAR_ROLE")),
  relayer: keccak256(toUtf8Bytes("RELAYER_ROLE")),
  rewards: keccak256(toUtf8Bytes("REWARDS_ROLE")),
} as const;

export type RoleName = keyof typeof ROLES;

export interface DecodedRevert {
  name: string;
  args: unknown[];
}

/**
 * The contract's custom error in a failed call or transaction, if any. Looks through the nested
 * `data`/`error`/`info` fields that ethers and node errors wrap it in.
 */
export function decodeRevert(error: unknown): DecodedRevert | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const item = queue.shift();
    if (item === null || item === undefined || seen.has(item)) continue;
    seen.add(item);
    if (typeof item === "string" && /^0x[0-9a-fA-F]{8}/.test(item)) {
      const parsed = ballotBoxInterface.parseError(item);
      if (parsed) return { name: parsed.name, args: [...parsed.args] };
    } else if (typeof item === "object") {
      const record = item as Record<string, unknown>;
      for (const key of ["data", "error", "info", "cause", "revert"]) queue.push(record[key]);
    }
  }
  return null;
}
