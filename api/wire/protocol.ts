/**
 * The protocol's own shapes (contracts/protocol) as they travel in API answers. Each schema is held to
 * its protocol type below, so the two cannot drift.
 */
import { z } from "zod";
import type { FullReceipt, PollContent, PollOutcome, Question, SecretReceipt } from "../../contracts/protocol";
import { LANGUAGES, POLL_STATES, RESULTS_VISIBILITY } from "../../contracts/protocol";
import { address, decimal, hash32 } from "./common";

const localized = z.object(
  Object.fromEntries(LANGUAGES.map((l) => [l, z.string()])) as Record<"en" | "ru", z.ZodString>,
);

export const pollState = z.enum(POLL_STATES);

export const decisionRule = z.object({
  kind: z.literal("eligibleShare"),
  question: z.number().int(),
  option: z.number().int(),
  share: z
    .string()
    .describe('"n/d": an area accepts if at least this share of its eligible residents chose the option'),
});

export const question = z.object({
  options: z.number().int().describe("options of the question: its bits in the choice bitmap"),
  maxChoices: z.number().int(),
});

export const pollContent = z.object({
  title: localized,
  description: localized,
  questions: z.array(z.object({ text: localized, options: z.array(localized) })),
  results: z.enum(RESULTS_VISIBILITY).optional(),
  areas: z.enum(["district", "building"]).optional(),
  rule: decisionRule.optional(),
});

export const pollOutcome = z.object({ text: localized });

export const receipt = z.object({
  pollId: z.number().int(),
  leafIndex: z.number().int(),
  leaf: hash32,
  txHash: hash32,
  block: z.number().int(),
  ballotBox: address,
  chainId: z.number().int(),
  voter: address,
  choices: decimal.describe("the choice bitmap"),
  revision: z.number().int(),
});

export const secretReceipt = receipt.omit({ voter: true }).extend({
  nullifier: decimal.describe("the secret ballot's nullifier, in place of a voter key"),
  area: z.number().int().describe("the census area the ballot counts in"),
});

/** Compile-time: each schema describes exactly its protocol type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(proof: T) => proof;
same<Same<z.infer<typeof question>, Question>>(true);
same<Same<z.infer<typeof pollContent>, PollContent>>(true);
same<Same<z.infer<typeof pollOutcome>, PollOutcome>>(true);
same<Same<z.infer<typeof receipt>, FullReceipt>>(true);
same<Same<z.infer<typeof secretReceipt>, SecretReceipt>>(true);
