/**
 * The paged list of a poll's ballots as the API indexed them from the ledger. A ballot replaced by a
 * later one of the same resident (a changed vote) is marked, so the rows add up to the residents
 * counted.
 */
import { api } from "../api";
import { cardsOnPhone, el, mount } from "../dom";
import { formatDate, formatNumber, t } from "../i18n";
import type { MessageKey } from "../messages/en";
import type { BallotPage, ListedBallot, PollDetail } from "../types";
import { choicesText, decodeSafely } from "./tallies";
import { errorNotice, shortHex } from "./ui";

const PAGE = 20;
const COLUMNS: MessageKey[] = [
  "ledger.leaf",
  "ledger.voter",
  "ledger.choices",
  "ledger.revision",
  "ledger.counts",
  "ledger.tx",
  "ledger.block",
  "ledger.time",
];

function row(poll: PollDetail, b: ListedBallot, showChoices: boolean): HTMLElement {
  const replaced = b.replaced === true;
  return el(
    "tr",
    { class: replaced ? "replaced" : undefined, "data-replaced": replaced ? "yes" : "no" },
    el("td", {}, formatNumber(b.leafIndex)),
    // A secret ballot names no voter key: its nullifier stands in, and its area.
    el(
      "td",
      {},
      b.nullifier === null
        ? shortHex(b.voter, 4)
        : el(
            "span",
            {},
            shortHex(BigInt(b.nullifier).toString(16).padStart(64, "0"), 4),
            ` · ${poll.areas.find((a) => a.area === b.area)?.label ?? String(b.area ?? "")}`,
          ),
    ),
    el("td", {}, showChoices ? choicesText(poll, decodeSafely(poll, b.choices)) : t("ledger.hidden")),
    el("td", {}, formatNumber(Number(b.revision))),
    el("td", {}, replaced ? t("ledger.replaced") : t("ledger.countsYes")),
    el("td", {}, shortHex(b.txHash)),
    el("td", {}, formatNumber(b.block)),
    el("td", {}, b.time === null ? "" : formatDate(typeof b.time === "number" ? b.time * 1000 : b.time)),
  );
}

/** `showChoices` is false while the poll's results are not shown on the site. */
export function ballotList(poll: PollDetail, showChoices: boolean): HTMLElement {
  const body = el("div", { class: "ballot-list", "aria-live": "polite" });
  let offset = 0;

  const load = async () => {
    try {
      const page = await api<BallotPage>("GET", `/api/polls/${poll.pollId}/ballots?offset=${offset}&limit=${PAGE}`);
      if (page.total === 0) return mount(body, el("p", { class: "muted" }, t("ledger.empty")));
      const prev = el("button", { type: "button", disabled: offset === 0 }, t("ledger.prev"));
      const next = el("button", { type: "button", disabled: offset + PAGE >= page.total }, t("ledger.next"));
      prev.addEventListener("click", () => {
        offset = Math.max(0, offset - PAGE);
        void load();
      });
      next.addEventListener("click", () => {
        offset += PAGE;
        void load();
      });
      mount(
        body,
        el(
          "div",
          { class: "table-scroll", tabindex: 0, role: "region", "aria-label": t("ledger.title") },
          cardsOnPhone(
            el(
              "table",
              {},
              el(
                "caption",
                {},
                t("ledger.range", {
                  from: formatNumber(offset + 1),
                  to: formatNumber(offset + page.ballots.length),
                  total: formatNumber(page.total),
                }),
              ),
              el(
                "thead",
                {},
                el(
                  "tr",
                  {},
                  ...COLUMNS.map((k) =>
                    el("th", { scope: "col" }, t(poll.secret && k === "ledger.voter" ? "ledger.nullifier" : k)),
                  ),
                ),
              ),
              el("tbody", {}, ...page.ballots.map((b) => row(poll, b, showChoices))),
            ),
          ),
        ),
        page.total > PAGE ? el("div", { class: "pager" }, prev, next) : null,
      );
    } catch (error) {
      mount(body, errorNotice(error));
    }
  };
  void load();
  return body;
}
