/** The resident's anonymous identity for secret polls: only its commitment ever reaches the API. */
import { z } from "zod";

export const identityBody = z.strictObject({
  commitment: z
    .string()
    .regex(/^[0-9]{1,78}$/, "a whole number in decimal")
    .describe("the Semaphore v4 identity commitment, in decimal"),
});

export const identityStatus = z.object({
  commitment: z.string().nullable(),
  status: z.enum(["none", "pending", "mined"]).describe("pending until the registrar's transaction is mined"),
});

export type IdentityStatus = z.infer<typeof identityStatus>;
