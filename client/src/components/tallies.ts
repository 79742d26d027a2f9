/** A poll's tallies, one bar chart per question, labelled with the poll's own texts. */
import { el } from "../dom";
import { t } from "../i18n";
import type { PollDetail } from "../types";
import { tallyChart } from "./charts";
import { localized } from "./ui";

export function talliesView(poll: Pick<PollDetail, "questions" | "content" | "tallies">): HTMLElement {
  let offset = 0;
  const charts = poll.questions.map((q, qi) => {
    const text = poll.content?.questions[qi];
    const bars = Array.from({ length: q.options }, (_, o) => ({
      label: localized(text?.options[o], t("poll.option", { n: o + 1 })),
      value: Number(poll.tallies[offset + o] ?? 0),
    }));
    offset += q.options;
    return tallyChart(localized(text?.text, t("poll.question", { n: qi + 1 })), bars);
  });
  return el("div", { class: "tallies" }, ...charts);
}

/** "Q1: Option 2; Q2: Option 1, Option 3" for a choice bitmap. */
export function choicesText(
  poll: Pick<PollDetail, "questions" | "content">,
  chosen: readonly (readonly number[])[],
): string {
  return chosen
    .map((options, qi) => {
      const text = poll.content?.questions[qi];
      const names = options.map((o) => localized(text?.options[o], t("poll.option", { n: o + 1 })));
      return `${t("poll.questionShort", { n: qi + 1 })}: ${names.join(", ")}`;
    })
    .join("; ");
}
