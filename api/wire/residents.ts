/** The resident register, for staff. */
import { z } from "zod";
import { isoTime, residentId } from "./common";

export const MAX_IMPORT_ROWS = 5000;
export const MAX_BUILDING_LENGTH = 100;

const importRow = z.strictObject({
  residentId,
  district: z.number().int().min(0).max(0xffffffff),
  building: z.string().max(MAX_BUILDING_LENGTH),
});

export const importBody = z.strictObject({
  residents: z
    .array(importRow)
    .min(1)
    .max(MAX_IMPORT_ROWS)
    .superRefine((rows, ctx) => {
      const seen = new Set<string>();
      rows.forEach((r, i) => {
        if (seen.has(r.residentId)) {
          ctx.addIssue({ code: "custom", path: [i, "residentId"], message: "appears twice in this request" });
        }
        seen.add(r.residentId);
      });
    }),
});

export const residentParams = z.strictObject({ residentId });

export const activationCode = z.object({ residentId: z.string(), activationCode: z.string() });

export const importAnswer = z.object({
  created: z.array(activationCode).describe("new residents with their codes, shown only here"),
  existing: z.array(z.string()).describe("residents already registered; they keep their codes"),
});

export const resetCode = z.object({ residentId: z.string(), resetCode: z.string(), expiresAt: isoTime });

export const registerStats = z.object({
  total: z.number().int(),
  activated: z.number().int(),
  withKey: z.number().int(),
});

export type ImportRow = z.infer<typeof importRow>;
export type ImportAnswer = z.infer<typeof importAnswer>;
export type ActivationCode = z.infer<typeof activationCode>;
export type ResetCode = z.infer<typeof resetCode>;
export type RegisterStats = z.infer<typeof registerStats>;
