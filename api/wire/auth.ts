/** Activation, sign-in, password reset. */
import { z } from "zod";
import { isoTime, residentId } from "./common";

/** argon2 hashes a password of any length; a cap keeps a request from costing too much. */
export const MAX_PASSWORD_LENGTH = 256;
const password = z.string().max(MAX_PASSWORD_LENGTH);

export const activateBody = z.strictObject({ residentId, code: z.string().min(1).max(64), password });
export const loginBody = z.strictObject({ residentId: z.string().min(1).max(64), password });
export const resetBody = z.strictObject({ residentId, code: z.string().min(1).max(64), password });

export const sessionGrant = z.object({
  token: z.string().describe("send as Authorization: Bearer <token>"),
  expiresAt: isoTime,
});

export type SessionGrant = z.infer<typeof sessionGrant>;
