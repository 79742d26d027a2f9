import { activateBody, loginBody, sessionGrant } from "../../wire/auth";
import { okAnswer } from "../../wire/common";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { AuthService } from "./service";

export function authRoutes(auth: AuthService): RouteSpec[] {
  return [
    route({
      method: "post",
      path: "/api/auth/activate",
      tag: "auth",
      summary: "Set the first password with the activation code from the register, and sign in",
      access: "public",
      body: activateBody,
      response: sessionGrant,
      errors: ["ACTIVATION_INVALID", "ALREADY_ACTIVATED", "PASSWORD_WEAK", "RATE_LIMITED", "INVALID_REQUEST"],
      handler: async ({ body }) => ({ body: await auth.activate(body) }),
    }),
    route({
      method: "post",
      path: "/api/auth/login",
      tag: "auth",
      summary: "Sign in; the answer's token goes in `Authorization: Bearer <token>`",
      access: "public",
      body: loginBody,
      response: sessionGrant,
      errors: ["LOGIN_FAILED", "ACCOUNT_LOCKED", "RATE_LIMITED", "INVALID_REQUEST"],
      handler: async ({ body }) => ({ body: await auth.login(body) }),
    }),
    route({
      method: "post",
      path: "/api/auth/logout",
      tag: "auth",
      summary: "End this session",
      access: "resident",
      response: okAnswer,
      errors: ["AUTH_REQUIRED", "SESSION_INVALID"],
      handler: async ({ session }) => {
        if (session) await auth.logout(session.token);
        return { body: { ok: true as const } };
      },
    }),
  ];
}
