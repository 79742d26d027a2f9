/**
 * The HTTP API's shapes as zod schemas, shared by the server (it checks requests with them, documents
 * requests and answers in /api/docs from them, and in tests checks its answers against them) and by
 * the web client and the CLI, whose types are inferred from them. Nothing here runs server code.
 */
import { z } from "zod";

export const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex string");
export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte hex address");
export const signature65 = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte hex signature");
/** A whole number in a decimal string: choice bitmaps and tallies can pass 2^53. */
export const decimal = z.string().regex(/^\d{1,78}$/, "a whole number in decimal");
export const isoTime = z.string().describe("ISO 8601 time, UTC");
export const uint32 = z.number().int().min(0).max(0xffffffff);

export const pollId = z.coerce.number().int().min(1).max(0xffffffff);
export const pollParams = z.strictObject({ pollId });

export const RESIDENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const residentId = z.string().regex(RESIDENT_ID, "1 to 64 of A-Z a-z 0-9 _ -");

/** The answer of an action that has nothing else to say. */
export const okAnswer = z.object({ ok: z.literal(true) });

/** Every refusal. */
export const errorAnswer = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
export type ErrorAnswer = z.infer<typeof errorAnswer>;
