import {
  balance,
  pointsHistory,
  redeemBody,
  redeemed,
  redemption,
  rewardList,
  rewardParams,
  voucherParams,
} from "../../wire/points";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { unauthorized } from "../errors";
import type { PointsHistory } from "./history";
import type { PointsService } from "./service";

export function pointsRoutes(points: PointsService, history: PointsHistory): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/api/me/points/history",
      tag: "points",
      summary: "Points you earned per poll, and your redemptions with their voucher codes, newest first (as indexed)",
      access: "resident",
      response: pointsHistory,
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
      response: redemption,
      errors: ["VOUCHER_NOT_FOUND", "STAFF_TOKEN_INVALID"],
      handler: async ({ params }) => ({ body: await history.voucher(params.code) }),
    }),
    route({
      method: "get",
      path: "/api/me/points",
      tag: "points",
      summary: "Your points balance and the nonce your next redemption must be signed with",
      access: "resident",
      response: balance,
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
      response: rewardList,
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
      response: redeemed,
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
