import { z } from "zod";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { unauthorized } from "../errors";
import type { PointsHistory } from "./history";
import type { PointsService } from "./service";

const rewardParams = z.strictObject({ rewardId: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
const voucherParams = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Za-z0-9 -]{12,20}$/, "a voucher code like ABCD-EFGH-JKMN")
    .describe("the code a resident was given when they redeemed"),
});
const redeemBody = z.strictObject({
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte hex signature")
    .describe("EIP-712 Redemption(rewardId, nonce) signed by your active voter key"),
});

export function pointsRoutes(points: PointsService, history: PointsHistory): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/api/me/points/history",
      tag: "points",
      summary: "Points you earned per poll, and your redemptions with their voucher codes, newest first (as indexed)",
      access: "resident",
      errors: ["AUTH_REQUIRED", "SESSION_INVALID", "CHAIN_UNAVAILABLE"],
      handler: async ({ session }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        const { resident } = await points.balance(session.residentId);
        if (resident === null) return { body: { earned: [], redemptions: [] } };
        return { body: { earned: history.earned(resident), redemptions: await history.redemptions(resident) } };
      },
    }),
    route({
      method: "get",
      path: "/api/admin/vouchers/:code",
      tag: "points",
      summary: "The redemption a voucher code belongs to: reward, resident number, transaction and time",
      access: "staff",
      params: voucherParams,
      errors: ["VOUCHER_NOT_FOUND", "STAFF_TOKEN_INVALID"],
      handler: async ({ params }) => ({ body: await history.voucher(params.code) }),
    }),
    route({
      method: "get",
      path: "/api/me/points",
      tag: "points",
      summary: "Your points balance and the nonce your next redemption must be signed with",
      access: "resident",
      errors: ["AUTH_REQUIRED", "SESSION_INVALID", "CHAIN_UNAVAILABLE"],
      handler: async ({ session }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        return { body: await points.balance(session.residentId) };
      },
    }),
    route({
      method: "get",
      path: "/api/rewards",
      tag: "points",
      summary: "Rewards staff have listed",
      access: "public",
      errors: ["CHAIN_UNAVAILABLE"],
      handler: async () => ({ body: { rewards: await points.rewards() } }),
    }),
    route({
      method: "post",
      path: "/api/rewards/:rewardId/redeem",
      tag: "points",
      summary:
        "Spend points on a reward, with your signed consent; answers once the transaction is mined, with a voucher code",
      access: "resident",
      params: rewardParams,
      body: redeemBody,
      errors: [
        "POINTS_INSUFFICIENT",
        "REWARD_UNAVAILABLE",
        "CONSENT_INVALID",
        "NO_VOTER_KEY",
        "CHAIN_UNAVAILABLE",
        "AUTH_REQUIRED",
        "SESSION_INVALID",
      ],
      handler: async ({ session, params, body }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        return { body: await points.redeem(session.residentId, params.rewardId, body.signature) };
      },
    }),
  ];
}
