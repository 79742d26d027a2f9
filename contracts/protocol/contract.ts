/**
 * The deployed contract as TypeScript sees it: a typed connection, the ABI, role names, and
 * decoding of its custom errors by name.
 */
import { Interface, keccak256, toUtf8Bytes } from "ethers";
import type { ContractRunner, Log } from "ethers";
import { BallotBox__factory } from "../../typechain-types/factories/contracts/BallotBox__factory";
import type { BallotBox } from "../../typechain-types/contracts/BallotBox";
import type { CastBallot } from "./ballot";

export type { BallotBox };

export const BALLOT_BOX_ABI = BallotBox__factory.abi;
export const ballotBoxInterface = new Interface(BALLOT_BOX_ABI);

export function connectBallotBox(address: string, runner: ContractRunner | null): BallotBox {
  return BallotBox__factory.connect(address, runner);
}

export const ROLES = {
  admin: `0x${"00".repeat(32)}`,
  pollAdmin: keccak256(toUtf8Bytes("POLL_ADMIN_ROLE")),
  registrar: keccak256(toUtf8Bytes("REGISTRAR_ROLE")),
  relayer: keccak256(toUtf8Bytes("RELAYER_ROLE")),
  rewards: keccak256(toUtf8Bytes("REWARDS_ROLE")),
} as const;

export type RoleName = keyof typeof ROLES;

/** Poll states in the order of the contract's enum. */
export const POLL_STATES = ["Pending", "Active", "Closed", "Cancelled", "Finalized"] as const;
export type PollStateName = (typeof POLL_STATES)[number];

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

/** A BallotCast log as the fields of the ballot it counted. */
export function parseBallotCast(log: Pick<Log, "topics" | "data">): CastBallot & { pollId: bigint } {
  const parsed = ballotBoxInterface.parseLog(log);
  if (!parsed || parsed.name !== "BallotCast") throw new Error("not a BallotCast log");
  const [pollId, voter, resident, leafIndex, choices, revision, signature] = parsed.args as unknown as [
    bigint,
    string,
    bigint,
    bigint,
    bigint,
    bigint,
    string,
  ];
  return { pollId, voter, resident: Number(resident), leafIndex: Number(leafIndex), choices, revision, signature };
}

export const BALLOT_CAST_TOPIC = ballotBoxInterface.getEvent("BallotCast")!.topicHash;
