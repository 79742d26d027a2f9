/** Polls shaped for the client tests: own texts, a start in the future, results settings; staff steps. */
import { encodePollContent, encodePollOutcome } from "../../contracts/protocol";
import type { Question, ResultsVisibility } from "../../contracts/protocol";
import type { Stack } from "../api/harness";
import { resyncStaffNonce } from "../api/residentHelpers";

export interface PollSpec {
  title: string;
  /** Option texts per question; a question's maxChoices defaults to 1. */
  questions: { text: string; options: string[]; maxChoices?: number }[];
  districts?: number[];
  revote?: boolean;
  points?: number;
  startsIn?: number;
  results?: ResultsVisibility;
}

const both = (s: string) => ({ en: s, ru: `${s} (ru)` });

export function shapes(spec: PollSpec): Question[] {
  return spec.questions.map((q) => ({ options: q.options.length, maxChoices: q.maxChoices ?? 1 }));
}

export async function createPollFrom(stack: Stack, spec: PollSpec): Promise<number> {
  resyncStaffNonce(stack);
  const { uri, contentHash } = encodePollContent({
    title: both(spec.title),
    description: both(`About: ${spec.title}`),
    questions: spec.questions.map((q) => ({ text: both(q.text), options: q.options.map(both) })),
    ...(spec.results ? { results: spec.results } : {}),
  });
  const now = (await stack.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  const start = now + (spec.startsIn ?? 0);
  const receipt = await (
    await stack.staff.createPoll({
      contentHash,
      uri,
      start,
      end: start + 3600,
      questions: shapes(spec),
      districts: spec.districts ?? [],
      revote: spec.revote ?? false,
      points: spec.points ?? 10,
    })
  ).wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = stack.staff.interface.parseLog(log);
    if (parsed?.name === "PollCreated") return Number(parsed.args[0]);
  }
  throw new Error("no PollCreated event");
}

/** Closes a poll now, and optionally finalizes it and publishes an outcome, as staff. */
export async function finishPoll(stack: Stack, pollId: number, outcome?: string): Promise<void> {
  resyncStaffNonce(stack);
  await (await stack.staff.closePoll(pollId)).wait();
  if (outcome === undefined) return;
  await (await stack.staff.finalizePoll(pollId)).wait();
  const { uri, outcomeHash } = encodePollOutcome({ text: both(outcome) });
  await (await stack.staff.publishOutcome(pollId, outcomeHash, uri)).wait();
}
