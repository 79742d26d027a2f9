/** The signed-in resident and their voter key. */
import { z } from "zod";
import { address, hash32, isoTime, signature65 } from "./common";

export const me = z.object({
  residentId: z.string(),
  district: z.number().int(),
  building: z.string(),
  residentHash: hash32.describe(
    "the resident's id on the chain, HMAC-SHA256(pepper, residentId): the enrolment text names it",
  ),
  resident: z.number().int().nullable().describe("the resident's number on the chain, null before the first enrolment"),
  voterKey: z
    .object({ address, status: z.enum(["active", "revoked"]), txHash: hash32, enrolledAt: isoTime })
    .nullable(),
});

export const enrolBody = z.strictObject({
  address,
  issuedAt: z.iso.datetime({ offset: true }).describe("ISO time the proof was signed; within 10 minutes of now"),
  signature: signature65.describe("EIP-191 signature of the enrolment text by the new key"),
});

export const enrolment = z.object({
  address,
  status: z.literal("active"),
  txHash: hash32,
  revoked: address.nullable().describe("the key this one replaced"),
});

export type Me = z.infer<typeof me>;
export type Enrolment = z.infer<typeof enrolment>;
