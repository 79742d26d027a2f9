/** Ballot submission and status. */
import { z } from "zod";
import { hash32, isoTime } from "./common";
import { ballotStatus } from "./polls";
import { receipt } from "./protocol";

const uint = z
  .union([z.string().regex(/^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));

export const ballotBody = z.strictObject({
  pollId: uint.describe("Poll id"),
  choices: uint.describe("Choice bitmap: question q owns the next `options` bits"),
  revision: uint.describe("1 for a first ballot; higher for each re-vote"),
  signature: z.string().max(200).describe("EIP-712 signature by the voter key, 0x + 130 hex"),
});

export const ballotParams = z.strictObject({ ballotId: z.string().max(80) });
export const ballotQuery = z.strictObject({
  wait: z.coerce.number().int().min(0).max(30).optional().describe("Seconds to wait for the receipt before answering"),
});

export const acceptedBallot = z.object({
  ballotId: hash32.describe("the ballot's leaf"),
  status: ballotStatus,
  duplicate: z.boolean().describe("this exact ballot had been accepted before"),
});

export const ballotState = z.object({
  ballotId: hash32,
  status: ballotStatus,
  pollId: z.number().int(),
  voter: z.string(),
  choices: z.string(),
  revision: z.number().int(),
  errorCode: z.string().nullable(),
  acceptedAt: isoTime,
  receipt: receipt.nullable().describe("once mined: the receipt to keep"),
});

export type AcceptedBallot = z.infer<typeof acceptedBallot>;
export type BallotState = z.infer<typeof ballotState>;
