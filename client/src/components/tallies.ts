/** A poll's tallies, one bar chart per question, and chosen options in words, with the poll's own texts. */
import { decodeChoices } from "../../../contracts/protocol/choices";
import { el } from "../dom";
import { formatNumber, t } from "../i18n";
import type { PollDetail } from "../types";
import { tallyChart } from "./charts";
import { localized } from "./ui";

type TalliedPoll = Pick<PollDetail, "questions" | "content" | "tallies" | "voters">;

export function optionName(poll: Pick<PollDetail, "content">, question: number, option: number): string {
  return localized(poll.content?.questions[question]?.options[option], t("poll.option", { n: option + 1 }));
}

export function questionText(poll: Pick<PollDetail, "content">, question: number): string {
  return localized(poll.content?.questions[question]?.text, t("poll.question", { n: question + 1 }));
}

/**
 * Every counted ballot answers every question, so a single-choice question's votes add up to the
 * residents who answered; the index's count of voters stands in when there is none.
 */
export function answeredBy(poll: TalliedPoll): number {
  let offset = 0;
  for (const q of poll.questions) {
    if (q.maxChoices === 1) {
      return Array.from({ length: q.options }, (_, o) => Number(poll.tallies[offset + o] ?? 0)).reduce(
        (a, b) => a + b,
        0,
      );
    }
    offset += q.options;
  }
  return poll.voters;
}

export function talliesView(poll: TalliedPoll): HTMLElement {
  const answered = answeredBy(poll);
  let offset = 0;
  const charts = poll.questions.map((q, qi) => {
    const bars = Array.from({ length: q.options }, (_, o) => ({
      label: optionName(poll, qi, o),
      value: Number(poll.tallies[offset + o] ?? 0),
    }));
    offset += q.options;
    const note =
      q.maxChoices === 1
        ? t("results.shareOne", { n: formatNumber(answered) })
        : t("results.shareMany", { n: formatNumber(answered), k: formatNumber(q.maxChoices) });
    return tallyChart(questionText(poll, qi), bars, answered, note);
  });
  return el("div", { class: "tallies" }, ...charts);
}

/** The chosen options of a choice bitmap, by question; empty when the bitmap does not fit the poll. */
export function decodeSafely(poll: Pick<PollDetail, "questions">, choices: string | bigint): number[][] {
  try {
    return decodeChoices(poll.questions, BigInt(choices));
  } catch {
    return [];
  }
}

/** "Q1: Option 2; Q2: Option 1, Option 3" for a choice bitmap, for tables. */
export function choicesText(
  poll: Pick<PollDetail, "questions" | "content">,
  chosen: readonly (readonly number[])[],
): string {
  return chosen
    .map((options, qi) => {
      const names = options.map((o) => optionName(poll, qi, o));
      return `${t("poll.questionShort", { n: qi + 1 })}: ${names.join(", ")}`;
    })
    .join("; ");
}

/** Each question with the options chosen for it, in words, for a resident. */
export function choicesList(poll: Pick<PollDetail, "questions" | "content">, choices: string | bigint): HTMLElement {
  const chosen = decodeSafely(poll, choices);
  return el(
    "dl",
    { class: "choices", "data-testid": "choices" },
    ...chosen.flatMap((options, qi) => [
      el("dt", {}, questionText(poll, qi)),
      el("dd", {}, options.map((o) => optionName(poll, qi, o)).join(", ")),
    ]),
  );
}
