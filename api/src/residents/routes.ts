import { z } from "zod";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { MAX_PASSWORD_LENGTH } from "../auth/passwords";
import type { PasswordResets } from "./passwordReset";
import type { ResidentService } from "./service";

export const RESIDENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_IMPORT_ROWS = 5000;

export const residentIdSchema = z.string().regex(RESIDENT_ID, "1 to 64 of A-Z a-z 0-9 _ -");

const importRow = z.strictObject({
  residentId: residentIdSchema,
  district: z.number().int().min(0).max(0xffffffff),
  building: z.string().max(100),
});

const importBody = z.strictObject({
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

const residentParams = z.strictObject({ residentId: residentIdSchema });

const resetBody = z.strictObject({
  residentId: residentIdSchema,
  code: z.string().min(1).max(64),
  password: z.string().max(MAX_PASSWORD_LENGTH),
});

export function residentRoutes(residents: ResidentService, resets: PasswordResets): RouteSpec[] {
  return [
    route({
      method: "post",
      path: "/api/admin/residents",
      tag: "register",
      summary: "Import residents; new ones get an activation code, shown only in this answer",
      access: "staff",
      body: importBody,
      errors: ["INVALID_REQUEST", "STAFF_TOKEN_INVALID", "SERVICE_NOT_CONFIGURED"],
      handler: async ({ body }) => ({ body: await residents.import(body.residents) }),
    }),
    route({
      method: "post",
      path: "/api/admin/residents/:residentId/activation-code",
      tag: "register",
      summary: "A new activation code for a resident who has not activated; the old one stops working",
      access: "staff",
      params: residentParams,
      errors: ["RESIDENT_NOT_FOUND", "ALREADY_ACTIVATED", "STAFF_TOKEN_INVALID"],
      handler: async ({ params }) => ({ body: await residents.reissueCode(params.residentId) }),
    }),
    route({
      method: "post",
      path: "/api/admin/residents/:residentId/reset-code",
      tag: "register",
      summary: "A password-reset code for an activated resident, valid for three days; an earlier one stops working",
      access: "staff",
      params: residentParams,
      errors: ["RESIDENT_NOT_FOUND", "NOT_ACTIVATED", "STAFF_TOKEN_INVALID"],
      handler: async ({ params }) => ({ body: await resets.issue(params.residentId) }),
    }),
    route({
      method: "post",
      path: "/api/auth/reset",
      tag: "auth",
      summary: "Set a new password with the reset code from the city office; then sign in with it",
      access: "public",
      body: resetBody,
      errors: ["RESET_CODE_INVALID", "RESET_CODE_EXPIRED", "PASSWORD_WEAK", "RATE_LIMITED", "INVALID_REQUEST"],
      handler: async ({ body }) => ({ body: await resets.reset(body) }),
    }),
    route({
      method: "get",
      path: "/api/admin/residents/stats",
      tag: "register",
      summary: "How many residents are registered, activated and hold a voter key",
      access: "staff",
      errors: ["STAFF_TOKEN_INVALID"],
      handler: async () => ({ body: await residents.stats() }),
    }),
  ];
}
