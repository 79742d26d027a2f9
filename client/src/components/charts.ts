/** A question's tallies as horizontal bars, each with its count and share written out. */
import { el, svg } from "../dom";
import { formatNumber, formatPercent } from "../i18n";

export interface Bar {
  label: string;
  value: number;
}

/**
 * One question's tallies. `answered` is how many residents answered the question (each counted
 * ballot answers every question), the base of every share: a pick-several question's shares may add
 * up to more than 100%.
 */
export function tallyChart(title: string, bars: readonly Bar[], answered: number, note: string): HTMLElement {
  const base = Math.max(answered, ...bars.map((b) => b.value));
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
        width: base === 0 ? 0 : (100 * b.value) / base,
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
          `${formatNumber(b.value)} (${formatPercent(base === 0 ? 0 : b.value / base)})`,
        ),
      ),
    ),
  );
  return el(
    "figure",
    { class: "tally" },
    el("figcaption", {}, el("span", { class: "tally-title" }, title), el("span", { class: "hint" }, note)),
    el("div", { class: "bars-wrap" }, chart, rows),
  );
}
