/**
 * A poll's questions as form controls: radio buttons for a single choice, checkboxes for up to k
 * (the rest are disabled once k are ticked), ticked as `preselected` says (a resident's current vote).
 * `selection()` gives the chosen options per question.
 */
import type { PollContent } from "../../../contracts/protocol/pollContent";
import type { Question } from "../../../contracts/protocol/choices";
import { el } from "../dom";
import { formatNumber, t } from "../i18n";
import { localized } from "./ui";

export interface BallotFields {
  node: HTMLElement;
  /** Chosen option numbers per question; null names the first unanswered question. */
  selection(): { ok: true; selected: number[][] } | { ok: false; question: number };
}

export function ballotFields(
  pollId: number,
  questions: readonly Question[],
  content: PollContent | null,
  preselected: readonly (readonly number[])[] = [],
): BallotFields {
  const groups = questions.map((q, qi) => {
    const text = content?.questions[qi];
    const single = q.maxChoices === 1;
    const name = `poll${pollId}-q${qi}`;
    const hintId = `${name}-hint`;
    const chosen = preselected[qi] ?? [];
    const inputs = Array.from({ length: q.options }, (_, o) =>
      el("input", {
        type: single ? "radio" : "checkbox",
        name,
        value: o,
        id: `${name}-o${o}`,
        checked: chosen.includes(o),
      }),
    );
    if (!single) {
      const enforce = () => {
        const count = inputs.filter((i) => i.checked).length;
        for (const i of inputs) i.disabled = !i.checked && count >= q.maxChoices;
      };
      for (const i of inputs) i.addEventListener("change", enforce);
      enforce();
    }
    const fieldset = el(
      "fieldset",
      { class: "question", "aria-describedby": hintId },
      el("legend", {}, localized(text?.text, t("poll.question", { n: qi + 1 }))),
      el(
        "p",
        { class: "hint", id: hintId },
        single ? t("vote.chooseOne") : t("vote.chooseUpTo", { k: formatNumber(q.maxChoices) }),
      ),
      ...inputs.map((input, o) =>
        el(
          "div",
          { class: "option" },
          input,
          el("label", { for: input.id }, localized(text?.options[o], t("poll.option", { n: o + 1 }))),
        ),
      ),
    );
    return { fieldset, inputs };
  });
  return {
    node: el("div", { class: "questions" }, ...groups.map((g) => g.fieldset)),
    selection() {
      const selected = groups.map((g) => g.inputs.flatMap((input, o) => (input.checked ? [o] : [])));
      const missing = selected.findIndex((s) => s.length === 0);
      if (missing >= 0) {
        groups[missing]?.inputs[0]?.focus();
        return { ok: false, question: missing };
      }
      return { ok: true, selected };
    },
  };
}
