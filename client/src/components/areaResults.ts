/**
 * A poll's results by area: for a secret poll its census areas (districts or buildings), for an open
 * poll the registry's public districts — each with who may vote, who did, turnout and the counts per
 * option — and the poll's decision rule with each area's outcome in words.
 */
import { cardsOnPhone, el } from "../dom";
import { formatNumber, formatPercent, t } from "../i18n";
import type { MessageKey } from "../messages/en";
import type { AreaResult, DecisionRule, SecretPollFields } from "../secretTypes";
import type { PollDetail } from "../types";
import { optionName, questionText } from "./tallies";

type AreaPoll = Pick<PollDetail, "questions" | "content" | "state"> & SecretPollFields;

function ruleText(poll: AreaPoll, rule: DecisionRule): string {
  return t("rule.eligibleShare", { option: optionName(poll, rule.question, rule.option), share: rule.share });
}

function outcomeKey(poll: AreaPoll, area: AreaResult): MessageKey {
  if (poll.state === "Active" || poll.state === "Pending" || area.accepted === null) return "rule.undecided";
  return area.accepted ? "rule.accepted" : "rule.rejected";
}

function countsCell(poll: AreaPoll, area: AreaResult, question: number): HTMLElement {
  const counts = area.tallies[question] ?? [];
  return el(
    "td",
    {},
    el(
      "ul",
      { class: "area-counts" },
      ...counts.map((n, o) => el("li", {}, `${optionName(poll, question, o)}: ${formatNumber(n)}`)),
    ),
  );
}

export function areaResults(poll: AreaPoll): HTMLElement | null {
  const areas = poll.areas ?? [];
  if (areas.length === 0) return null;
  const rule = poll.rule ?? null;
  const building = poll.census?.areaKind === "building";
  const decided = rule && (poll.state === "Closed" || poll.state === "Finalized");
  const accepting = areas.filter((a) => a.accepted === true).length;
  const head = [
    t(building ? "areas.building" : "areas.district"),
    t("areas.eligible"),
    t("areas.voters"),
    t("areas.turnout"),
    ...poll.questions.map((_, qi) => questionText(poll, qi)),
    ...(rule ? [t("areas.outcome")] : []),
  ];
  const rows = areas.map((area) =>
    el(
      "tr",
      { "data-area": area.area, "data-accepted": area.accepted === null ? "" : String(area.accepted) },
      el("th", { scope: "row" }, area.label),
      el("td", {}, formatNumber(area.eligible)),
      el("td", {}, formatNumber(area.voters)),
      el("td", {}, formatPercent(area.turnout)),
      ...poll.questions.map((_, qi) => countsCell(poll, area, qi)),
      rule ? el("td", { class: "area-outcome" }, t(outcomeKey(poll, area))) : null,
    ),
  );
  return el(
    "div",
    { class: "area-results", "data-testid": "area-results" },
    el("h3", {}, t(building ? "areas.titleBuilding" : "areas.titleDistrict")),
    rule ? el("p", { "data-testid": "rule" }, ruleText(poll, rule)) : null,
    decided
      ? el(
          "p",
          { "data-testid": "rule-summary" },
          t("rule.summary", { accepted: formatNumber(accepting), total: formatNumber(areas.length) }),
        )
      : null,
    el(
      "div",
      { class: "table-scroll", tabindex: 0, role: "region", "aria-label": t("areas.caption") },
      cardsOnPhone(
        el(
          "table",
          { class: "area-table" },
          el("caption", {}, t("areas.caption")),
          el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
          el("tbody", {}, ...rows),
        ),
      ),
    ),
  );
}
