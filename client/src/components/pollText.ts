/**
 * What a poll means in words, the same on every page: who may vote, how many did, who sees what,
 * and whether its results are shown yet.
 */
import { resultsVisibility } from "../../../contracts/protocol/pollContent";
import type { ResultsVisibility } from "../../../contracts/protocol/pollContent";
import { el } from "../dom";
import { formatNumber, formatPercent, lang, t } from "../i18n";
import type { MessageKey } from "../messages/en";
import type { PollSummary } from "../types";

type Scoped = Pick<PollSummary, "cityWide" | "districts">;

function list(items: readonly string[]): string {
  return new Intl.ListFormat(lang(), { type: "conjunction" }).format(items);
}

/** "All residents of the city may vote." / "Residents of districts 2 and 5 may vote." */
export function scopeText(poll: Scoped): string {
  if (poll.cityWide) return t("scope.city");
  const districts = poll.districts.map((d) => formatNumber(d));
  return districts.length === 1
    ? t("scope.district", { list: districts[0] ?? "" })
    : t("scope.districts", { list: list(districts) });
}

/** "12 of 300 registered residents have voted (4%)." */
export function turnoutText(poll: Pick<PollSummary, "voters" | "eligible" | "state">, short = false): string {
  const { registered } = poll.eligible;
  if (poll.state === "Pending") return t("turnout.upcoming", { registered: formatNumber(registered) });
  // A register that does not cover everyone who voted gives no meaningful share.
  if (registered < poll.voters || registered === 0) return t("turnout.count", { voters: formatNumber(poll.voters) });
  const percent = formatPercent(registered === 0 ? 0 : poll.voters / registered);
  const params = { voters: formatNumber(poll.voters), registered: formatNumber(registered), percent };
  return t(short ? "turnout.short" : "turnout.line", params);
}

const PRIVACY_RESULTS: Record<ResultsVisibility, MessageKey> = {
  live: "privacy.live",
  afterVote: "privacy.afterVote",
  afterClose: "privacy.afterClose",
};

/** Who can see what, in one plain sentence: an open vote's ballots carry a voter key, a secret one's nothing. */
export function privacyText(poll: Pick<PollSummary, "content"> & { secret?: boolean }): string {
  const who = poll.secret ? t("privacy.secret") : t("privacy.open");
  return `${who} ${t(PRIVACY_RESULTS[resultsVisibility(poll.content)])}`;
}

export type ResultsShown = { shown: true } | { shown: false; why: MessageKey };

/**
 * Whether this page shows the tallies: never before voting opens or for a cancelled poll; for an open
 * poll as its setting says (`votedByMe` null on public pages, where "after you vote" means hidden).
 */
export function resultsShown(poll: Pick<PollSummary, "state" | "content">, votedByMe: boolean | null): ResultsShown {
  if (poll.state === "Pending") return { shown: false, why: "results.notStarted" };
  if (poll.state === "Cancelled") return { shown: false, why: "results.cancelled" };
  if (poll.state !== "Active") return { shown: true };
  const setting = resultsVisibility(poll.content);
  if (setting === "live") return { shown: true };
  if (setting === "afterVote" && votedByMe) return { shown: true };
  if (setting === "afterVote")
    return { shown: false, why: votedByMe === null ? "results.afterVotePublic" : "results.afterVote" };
  return { shown: false, why: "results.afterClose" };
}

const RESULT_HEADINGS: Partial<Record<PollSummary["state"], MessageKey>> = {
  Active: "results.live",
  Closed: "results.closed",
  Finalized: "results.final",
};

/** "Live results" only while they are live on this page; "Final results" once published. */
export function resultsHeading(poll: Pick<PollSummary, "state">, shown: ResultsShown): string {
  return t((shown.shown && RESULT_HEADINGS[poll.state]) || "results.title");
}

/** The published decision, when there is one. */
export function outcomeSection(poll: Pick<PollSummary, "outcome">): HTMLElement | null {
  const text = poll.outcome?.text[lang()];
  if (!text) return null;
  return el(
    "section",
    { "aria-labelledby": "h-outcome", class: "outcome" },
    el("h2", { id: "h-outcome" }, t("outcome.title")),
    el("p", { "data-testid": "outcome" }, text),
  );
}

/** Scope, turnout and privacy: the lines under a poll's title. */
export function pollFacts(poll: PollSummary): HTMLElement {
  return el(
    "ul",
    { class: "poll-facts" },
    el("li", { "data-testid": "scope" }, scopeText(poll)),
    el("li", { "data-testid": "turnout" }, turnoutText(poll)),
    el("li", { "data-testid": "privacy" }, privacyText(poll)),
  );
}
