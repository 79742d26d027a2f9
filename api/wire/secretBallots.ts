/** Secret ballots: sent with no session or cookie; the membership proof is the authorisation. */
import { z } from "zod";
import { decimal, hash32, isoTime } from "./common";
import { ballotStatus } from "./polls";
import { secretReceipt } from "./protocol";

const uint = z
  .union([z.string().regex(/^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));

export const secretBallotBody = z.strictObject({
  pollId: uint.describe("Poll id"),
  choices: uint.describe("Choice bitmap: question q owns the next `options` bits"),
  revision: uint.describe("1 for a first ballot; higher for each re-vote"),
  area: z.coerce.number().int().min(0).max(0xffffffff).describe("the census area the proof is for"),
  proof: z.strictObject({
    depth: z.coerce.number().int().min(1).max(32).describe("tree depth of the circuit the proof was made with"),
    root: uint.describe("the area's group root the proof was made against"),
    nullifier: uint,
    points: z.array(uint).length(8).describe("the Groth16 proof as Semaphore packs it"),
  }),
});

export const secretBallotParams = z.strictObject({ ballotId: z.string().max(80) });

export const acceptedSecretBallot = z.object({
  ballotId: hash32.describe("the ballot's leaf"),
  status: ballotStatus,
  duplicate: z.boolean().describe("this exact ballot had been accepted before"),
});

export const secretBallotState = z.object({
  ballotId: hash32,
  status: ballotStatus,
  pollId: z.number().int(),
  nullifier: decimal,
  area: z.number().int(),
  choices: decimal,
  revision: z.number().int(),
  errorCode: z.string().nullable(),
  acceptedAt: isoTime,
  txHash: hash32.nullable(),
  leaf: hash32,
  leafIndex: z.number().int().nullable(),
  receipt: secretReceipt.nullable().describe("once mined: the receipt to keep"),
});

export type SecretBallotBody = z.infer<typeof secretBallotBody>;
export type AcceptedSecretBallot = z.infer<typeof acceptedSecretBallot>;
export type SecretBallotState = z.infer<typeof secretBallotState>;
