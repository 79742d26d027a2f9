/** Participation points, rewards and their vouchers. */
import { z } from "zod";
import { hash32, signature65 } from "./common";

export const rewardParams = z.strictObject({
  rewardId: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export const voucherParams = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Za-z0-9 -]{12,20}$/, "a voucher code like ABCD-EFGH-JKMN")
    .describe("the code a resident was given when they redeemed"),
});
export const redeemBody = z.strictObject({
  signature: signature65.describe("EIP-712 Redemption(rewardId, nonce) signed by your active voter key"),
});

export const balance = z.object({
  resident: z.number().int().nullable(),
  balance: z.number().int(),
  redemptionNonce: z.number().int().describe("the nonce your next Redemption must be signed with"),
});

export const reward = z.object({
  rewardId: z.number().int(),
  cost: z.number().int(),
  stock: z.number().int(),
  active: z.boolean(),
  uri: z.string().describe("the reward's text: a data: URI of JSON (contracts/protocol/rewardContent)"),
});

export const rewardList = z.object({ rewards: z.array(reward) });

export const redeemed = z.object({
  txHash: hash32,
  balance: z.number().int(),
  voucher: z.string().nullable(),
});

export const redemption = z.object({
  rewardId: z.number().int(),
  resident: z.number().int(),
  cost: z.number().int(),
  txHash: hash32,
  block: z.number().int(),
  time: z.string().nullable(),
  voucher: z.string(),
});

export const earnedPoints = z.object({
  pollId: z.number().int(),
  title: z.object({ en: z.string(), ru: z.string() }).nullable(),
  points: z.number().int(),
  end: z.string(),
});

export const pointsHistory = z.object({ earned: z.array(earnedPoints), redemptions: z.array(redemption) });

export type Balance = z.infer<typeof balance>;
export type Reward = z.infer<typeof reward>;
export type Redeemed = z.infer<typeof redeemed>;
export type Redemption = z.infer<typeof redemption>;
export type EarnedPoints = z.infer<typeof earnedPoints>;
export type PointsHistory = z.infer<typeof pointsHistory>;
