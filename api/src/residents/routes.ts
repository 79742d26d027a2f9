import { z } from "zod";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
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

export function residentRoutes(residents: ResidentService): RouteSpec[] {
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
