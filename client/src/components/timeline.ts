/**
 * Ballots over time on a real time axis: from the poll's opening to now (or its close), in equal
 * bins — a minute, or wider for longer spans — with empty bins drawn as empty, a count axis and time
 * labels. Sized to the screen when drawn, so its text stays readable on a phone.
 */
import { el, svg } from "../dom";
import { formatDate, formatNumber, formatTime, t } from "../i18n";
import type { MessageKey } from "../messages/en";

export interface TimelineBucket {
  minute: string | number;
  ballots: number;
}

const BIN_MINUTES = [1, 5, 15, 30, 60, 180, 360, 720, 1440] as const;
const BIN_KEYS: Record<(typeof BIN_MINUTES)[number], MessageKey> = {
  1: "timeline.perMinute",
  5: "timeline.per5Minutes",
  15: "timeline.per15Minutes",
  30: "timeline.per30Minutes",
  60: "timeline.perHour",
  180: "timeline.per3Hours",
  360: "timeline.per6Hours",
  720: "timeline.per12Hours",
  1440: "timeline.perDay",
};
const MAX_BINS = 60;
const MINUTE = 60_000;

export interface Bin {
  start: number;
  ballots: number;
}

/** Buckets may name their minute as an ISO time, epoch seconds or epoch minutes. */
function toMs(minute: string | number): number {
  if (typeof minute === "string") return Date.parse(minute);
  if (minute < 1e8) return minute * MINUTE;
  if (minute < 1e11) return minute * 1000;
  return minute;
}

/** Equal bins from `from` to `to` (ms), every one present, empty ones with 0. */
export function binBallots(
  buckets: readonly TimelineBucket[],
  from: number,
  to: number,
): { minutes: (typeof BIN_MINUTES)[number]; bins: Bin[] } {
  const times = buckets.map((b) => toMs(b.minute));
  const first = Math.min(from, ...times);
  const last = Math.max(to, ...times.map((time) => time + MINUTE));
  const span = Math.max(MINUTE, last - first);
  const minutes = BIN_MINUTES.find((m) => span / (m * MINUTE) <= MAX_BINS) ?? 1440;
  const width = minutes * MINUTE;
  const origin = Math.floor(first / width) * width;
  const count = Math.max(1, Math.ceil((last - origin) / width));
  const bins: Bin[] = Array.from({ length: count }, (_, i) => ({ start: origin + i * width, ballots: 0 }));
  buckets.forEach((b, i) => {
    const bin = bins[Math.floor(((times[i] ?? 0) - origin) / width)];
    if (bin) bin.ballots += b.ballots;
  });
  return { minutes, bins };
}

/** Round steps for the count axis: 0 and two more lines at most. */
function countTicks(max: number): number[] {
  if (max <= 2) return Array.from({ length: max + 1 }, (_, i) => i);
  const step = Math.ceil(max / 2);
  return [0, step, step * 2];
}

export function timelineChart(buckets: readonly TimelineBucket[], from: number, to: number): HTMLElement {
  const total = buckets.reduce((s, b) => s + b.ballots, 0);
  if (total === 0) return el("p", { class: "muted" }, t("timeline.empty"));
  const { minutes, bins } = binBallots(buckets, from, to);
  const perBin = t(BIN_KEYS[minutes]);
  const ticks = countTicks(Math.max(1, ...bins.map((b) => b.ballots)));
  const top = ticks[ticks.length - 1] ?? 1;
  const width = Math.round(Math.min(760, Math.max(280, window.innerWidth - 48)));
  const [left, right, plotTop, height] = [40, 8, 8, 160];
  const plotWidth = width - left - right;
  const binWidth = plotWidth / bins.length;
  const y = (value: number) => plotTop + height - (height * value) / top;
  const multiDay = (bins[bins.length - 1]?.start ?? 0) - (bins[0]?.start ?? 0) > 20 * 3600_000;
  const label = (ms: number) => (multiDay ? formatDate(ms) : formatTime(ms));
  const labelEvery = Math.max(1, Math.ceil(bins.length / Math.max(2, Math.floor(plotWidth / (multiDay ? 130 : 60)))));
  const busiest = bins.reduce((a, b) => (b.ballots > a.ballots ? b : a));
  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${width} ${plotTop + height + 40}`,
      width,
      class: "timeline",
      role: "img",
      "aria-label": t("timeline.label", {
        per: perBin,
        from: formatDate(bins[0]?.start ?? from),
        to: formatDate(to),
        ballots: formatNumber(total),
        most: formatNumber(busiest.ballots),
        at: formatDate(busiest.start),
      }),
    },
    ...ticks.map((tick) =>
      svg(
        "g",
        { class: "axis" },
        svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: tick === 0 ? "base" : "grid" }),
        svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end" }, formatNumber(tick)),
      ),
    ),
    ...bins.map((b, i) => {
      const h = (height * b.ballots) / top;
      return svg(
        "rect",
        {
          x: left + i * binWidth + 1,
          y: plotTop + height - h,
          width: Math.max(1, binWidth - 2),
          height: h,
          class: "bar",
        },
        svg("title", {}, `${formatDate(b.start)}: ${formatNumber(b.ballots)}`),
      );
    }),
    ...bins.flatMap((b, i) =>
      i % labelEvery === 0
        ? [svg("text", { x: left + i * binWidth, y: plotTop + height + 16, class: "tick" }, label(b.start))]
        : [],
    ),
    svg("text", { x: left, y: plotTop + height + 34, class: "axis-title" }, t("timeline.axis", { per: perBin })),
  );
  const table = el(
    "details",
    {},
    el("summary", {}, t("timeline.table")),
    el(
      "div",
      { class: "table-scroll", tabindex: 0, role: "region", "aria-label": t("timeline.table") },
      el(
        "table",
        {},
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { scope: "col" }, t("timeline.from")),
            el("th", { scope: "col" }, t("timeline.ballots")),
          ),
        ),
        el(
          "tbody",
          {},
          ...bins.map((b) => el("tr", {}, el("td", {}, formatDate(b.start)), el("td", {}, formatNumber(b.ballots)))),
        ),
      ),
    ),
  );
  return el("div", { class: "timeline-wrap" }, el("div", { class: "timeline-scroll" }, chart), table);
}
