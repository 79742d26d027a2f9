/** A poll's counts — residents who voted, ballots on the ledger — and its results, as its state allows. */
import { el } from "../dom";
import { formatNumber, t } from "../i18n";
import type { PollDetail } from "../types";
import type { ResultsShown } from "./pollText";
import { talliesView } from "./tallies";
import { notice } from "./ui";

/** Residents who voted and, apart, ballots on the ledger: a changed vote adds a ballot, not a voter. */
export function countsView(p: PollDetail): HTMLElement | string {
  if (p.state === "Pending") return "";
  const replaced = Math.max(0, p.ballots - p.voters);
  return el(
    "dl",
    { class: "facts counts" },
    el("dt", {}, t("results.voters")),
    el("dd", { "data-testid": "voter-count" }, formatNumber(p.voters)),
    el("dt", {}, t("results.ballots")),
    el(
      "dd",
      {},
      el("span", { "data-testid": "ballot-count" }, formatNumber(p.ballots)),
      replaced > 0 ? ` ${t("results.replaced", { n: formatNumber(replaced) })}` : "",
    ),
  );
}

const STATE_NOTES: Partial<Record<PollDetail["state"], "results.closedNote" | "results.finalNote">> = {
  Closed: "results.closedNote",
  Finalized: "results.finalNote",
};

export function resultsView(p: PollDetail, shown: ResultsShown): HTMLElement {
  if (!shown.shown) return notice("info", t(shown.why));
  if (p.ballots === 0) return el("p", { class: "muted", "data-testid": "no-ballots" }, t("results.none"));
  const note = STATE_NOTES[p.state];
  return el("div", {}, note ? el("p", { class: "muted" }, t(note)) : "", talliesView(p));
}
