/** Polls shaped for the client tests: own texts, a start in the future, results settings; staff steps. */
import { encodePollContent, encodePollOutcome } from "../../contracts/protocol";
import type { Question, ResultsVisibility } from "../../contracts/protocol";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { eventually, http } from "../api/harness";
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

/**
 * Sends a staff transaction and waits for it. The API's rewards wallet shares the staff key, so the
 * harness's nonce may be stale: read it again from the node, and once more if the node refuses it.
 */
export async function staffSend(
  stack: Stack,
  send: () => Promise<ContractTransactionResponse>,
): Promise<ContractTransactionReceipt | null> {
  resyncStaffNonce(stack);
  try {
    return await (await send()).wait();
  } catch (error) {
    if (!/nonce/i.test(String(error))) throw error;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    resyncStaffNonce(stack);
    return (await send()).wait();
  }
}

export function shapes(spec: PollSpec): Question[] {
  return spec.questions.map((q) => ({ options: q.options.length, maxChoices: q.maxChoices ?? 1 }));
}

export async function createPollFrom(stack: Stack, spec: PollSpec): Promise<number> {
  const { uri, contentHash } = encodePollContent({
    title: both(spec.title),
    description: both(`About: ${spec.title}`),
    questions: spec.questions.map((q) => ({ text: both(q.text), options: q.options.map(both) })),
    ...(spec.results ? { results: spec.results } : {}),
  });
  const now = (await stack.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  const start = now + (spec.startsIn ?? 0);
  const receipt = await staffSend(stack, () =>
    stack.staff.createPoll({
      contentHash,
      uri,
      start,
      end: start + 3600,
      questions: shapes(spec),
      districts: spec.districts ?? [],
      revote: spec.revote ?? false,
      points: spec.points ?? 10,
    }),
  );
  for (const log of receipt?.logs ?? []) {
    const parsed = stack.staff.interface.parseLog(log);
    if (parsed?.name === "PollCreated") return Number(parsed.args[0]);
  }
  throw new Error("no PollCreated event");
}

/** Closes a poll now, and optionally finalizes it and publishes an outcome, as staff. */
export async function finishPoll(stack: Stack, pollId: number, outcome?: string): Promise<void> {
  await staffSend(stack, () => stack.staff.closePoll(pollId));
  if (outcome === undefined) return stateIndexed(stack, pollId, "Closed");
  await staffSend(stack, () => stack.staff.finalizePoll(pollId));
  const { uri, outcomeHash } = encodePollOutcome({ text: both(outcome) });
  await staffSend(stack, () => stack.staff.publishOutcome(pollId, outcomeHash, uri));
  await stateIndexed(stack, pollId, "Finalized");
}

/** Pages read the poll's state from the API's index, which follows the chain a moment later. */
async function stateIndexed(stack: Stack, pollId: number, state: string): Promise<void> {
  await eventually(
    async () =>
      (await http<{ state: string }>(stack, "GET", `/api/polls/${pollId}`)).body.state === state ? true : null,
    30_000,
    `poll ${pollId} indexed as ${state}`,
  );
}
