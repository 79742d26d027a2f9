/** The paged list of a poll's ballots as the API indexed them from the chain. */
import { decodeChoices } from "../../../contracts/protocol/choices";
import { api } from "../api";
import { el, mount } from "../dom";
import { formatDate, formatNumber, t } from "../i18n";
import type { ListedBallot, PollDetail } from "../types";
import { choicesText } from "./tallies";
import { errorNotice, shortHex } from "./ui";

const PAGE = 20;

export function ballotList(poll: PollDetail): HTMLElement {
  const body = el("div", { class: "ballot-list", "aria-live": "polite" });
  let offset = 0;

  const load = async () => {
    try {
      const page = await api<{ ballots: ListedBallot[]; total: number }>(
        "GET",
        `/api/polls/${poll.pollId}/ballots?offset=${offset}&limit=${PAGE}`,
      );
      const rows = page.ballots.map((b) =>
        el(
          "tr",
          {},
          el("td", {}, formatNumber(b.leafIndex)),
          el("td", {}, shortHex(b.voter, 4)),
          el("td", {}, choicesText(poll, safeDecode(poll, b.choices))),
          el("td", {}, formatNumber(Number(b.revision))),
          el("td", {}, shortHex(b.txHash)),
          el("td", {}, formatNumber(b.block)),
          el("td", {}, b.time === null ? "" : formatDate(typeof b.time === "number" ? b.time * 1000 : b.time)),
        ),
      );
      const prev = el("button", { type: "button", disabled: offset === 0 }, t("explorer.prev"));
      const next = el("button", { type: "button", disabled: offset + PAGE >= page.total }, t("explorer.next"));
      prev.addEventListener("click", () => {
        offset = Math.max(0, offset - PAGE);
        void load();
      });
      next.addEventListener("click", () => {
        offset += PAGE;
        void load();
      });
      const shown = page.total === 0 ? 0 : offset + 1;
      mount(
        body,
        el(
          "div",
          { class: "table-scroll", tabindex: 0, role: "region", "aria-label": t("explorer.ballotList") },
          el(
            "table",
            {},
            el(
              "caption",
              {},
              t("explorer.ballotRange", {
                from: formatNumber(shown),
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
                ...[
                  "explorer.leaf",
                  "explorer.voter",
                  "explorer.choices",
                  "explorer.revision",
                  "explorer.tx",
                  "explorer.block",
                  "explorer.time",
                ].map((k) => el("th", { scope: "col" }, t(k as Parameters<typeof t>[0]))),
              ),
            ),
            el("tbody", {}, ...rows),
          ),
        ),
        el("div", { class: "pager" }, prev, next),
      );
    } catch (error) {
      mount(body, errorNotice(error));
    }
  };
  void load();
  return body;
}

function safeDecode(poll: PollDetail, choices: string): number[][] {
  try {
    return decodeChoices(poll.questions, BigInt(choices));
  } catch {
    return [];
  }
}
