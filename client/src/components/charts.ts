/** Inline SVG charts: option tallies as horizontal bars, ballots per minute as columns. */
import { el, svg } from "../dom";
import { formatDate, formatNumber, formatPercent, t } from "../i18n";

export interface Bar {
  label: string;
  value: number;
}

/** One question's tallies; each bar carries its number and share as text, not only as length. */
export function tallyChart(title: string, bars: readonly Bar[]): HTMLElement {
  const total = bars.reduce((sum, b) => sum + b.value, 0);
  const rowHeight = 34;
  const height = bars.length * rowHeight;
  const chart = svg(
    "svg",
    { viewBox: `0 0 100 ${height}`, preserveAspectRatio: "none", class: "bars", "aria-hidden": "true", height },
    ...bars.map((b, i) =>
      svg("rect", {
        x: 0,
        y: i * rowHeight + 22,
        height: 8,
        width: total === 0 ? 0 : (100 * b.value) / total,
        rx: 1,
        class: "bar",
      }),
    ),
  );
  const rows = el(
    "ul",
    { class: "bar-labels" },
    ...bars.map((b) =>
      el(
        "li",
        {},
        el("span", { class: "bar-label" }, b.label),
        el(
          "span",
          { class: "bar-value" },
          `${formatNumber(b.value)} (${formatPercent(total === 0 ? 0 : b.value / total)})`,
        ),
      ),
    ),
  );
  return el("figure", { class: "tally" }, el("figcaption", {}, title), el("div", { class: "bars-wrap" }, chart, rows));
}

export interface TimelineBucket {
  minute: string | number;
  ballots: number;
}

/** Ballots per minute; the table beside it is the accessible reading of the same numbers. */
export function timelineChart(buckets: readonly TimelineBucket[]): HTMLElement {
  if (buckets.length === 0) return el("p", { class: "muted" }, t("explorer.timelineEmpty"));
  const max = Math.max(1, ...buckets.map((b) => b.ballots));
  const width = Math.max(100, buckets.length * 12);
  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${width} 100`,
      preserveAspectRatio: "none",
      class: "timeline",
      role: "img",
      "aria-label": t("explorer.timelineLabel", {
        minutes: formatNumber(buckets.length),
        ballots: formatNumber(buckets.reduce((s, b) => s + b.ballots, 0)),
      }),
    },
    ...buckets.map((b, i) => {
      const h = (96 * b.ballots) / max;
      return svg(
        "rect",
        { x: i * 12 + 1, y: 100 - h, width: 10, height: h, class: "bar" },
        svg("title", {}, `${formatDate(toDate(b.minute))}: ${formatNumber(b.ballots)}`),
      );
    }),
  );
  const table = el(
    "details",
    {},
    el("summary", {}, t("explorer.timelineTable")),
    el(
      "table",
      {},
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "col" }, t("explorer.minute")),
          el("th", { scope: "col" }, t("explorer.ballots")),
        ),
      ),
      el(
        "tbody",
        {},
        ...buckets.map((b) =>
          el("tr", {}, el("td", {}, formatDate(toDate(b.minute))), el("td", {}, formatNumber(b.ballots))),
        ),
      ),
    ),
  );
  return el("div", { class: "timeline-wrap" }, chart, table);
}

/** Buckets may name their minute as an ISO time, epoch seconds or epoch minutes. */
function toDate(minute: string | number): Date {
  if (typeof minute === "string") return new Date(minute);
  if (minute < 1e8) return new Date(minute * 60_000);
  if (minute < 1e11) return new Date(minute * 1000);
  return new Date(minute);
}
