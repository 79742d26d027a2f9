import { resetBody } from "../../wire/auth";
import { okAnswer } from "../../wire/common";
import {
  activationCode,
  importAnswer,
  importBody,
  registerStats,
  residentParams,
  resetCode,
} from "../../wire/residents";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { PasswordResets } from "./passwordReset";
import type { ResidentService } from "./service";

export function residentRoutes(residents: ResidentService, resets: PasswordResets): RouteSpec[] {
  return [
    route({
      method: "post",
      path: "/api/admin/residents",
      tag: "register",
      summary: "Import residents; new ones get an activation code, shown only in this answer",
      access: "staff",
      body: importBody,
      response: importAnswer,
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
      response: activationCode,
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
      response: resetCode,
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
      response: okAnswer,
      errors: ["RESET_CODE_INVALID", "RESET_CODE_EXPIRED", "PASSWORD_WEAK", "RATE_LIMITED", "INVALID_REQUEST"],
      handler: async ({ body }) => ({ body: await resets.reset(body) }),
    }),
    route({
      method: "get",
      path: "/api/admin/residents/stats",
      tag: "register",
      summary: "How many residents are registered, activated and hold a voter key",
      access: "staff",
      response: registerStats,
      errors: ["STAFF_TOKEN_INVALID"],
      handler: async () => ({ body: await residents.stats() }),
    }),
  ];
}
