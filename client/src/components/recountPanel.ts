/**
 * "Recount this poll": the browser fetches the ballots from the ledger and checks tallies and root.
 * The tallies come out per question and option, recounted beside the ledger's own count.
 */
import { chainConfig } from "../api";
import { el, mount } from "../dom";
import { formatNumber, t } from "../i18n";
import { runRecount } from "../recount/run";
import type { RecountResult } from "../recount/recount";
import type { PollDetail } from "../types";
import { optionName, questionText } from "./tallies";
import { errorNotice, notice, shortHex } from "./ui";

type RecountedPoll = Pick<PollDetail, "pollId" | "questions" | "content">;

export function recountPanel(poll: RecountedPoll, showTallies: boolean): HTMLElement {
  const button = el("button", { type: "button", class: "primary" }, t("recount.run"));
  const progress = el("progress", { max: 100, value: 0, "aria-label": t("recount.progress"), hidden: true });
  const output = el("div", { class: "recount-output" });
  const status = el("p", { role: "status", class: "muted" });

  button.addEventListener("click", () => {
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    mount(output);
    status.textContent = t("recount.starting");
    void (async () => {
      try {
        const config = await chainConfig();
        const result = await runRecount(
          {
            rpcUrl: config.rpcUrl,
            chainId: config.chainId,
            ballotBox: config.ballotBox,
            deployedBlock: config.deployedBlock,
            pollId: poll.pollId,
          },
          (p) => {
            if (p.phase === "logs") {
              const span = Math.max(1, p.head - config.deployedBlock + 1);
              progress.value = Math.round((90 * (p.toBlock - config.deployedBlock + 1)) / span);
              status.textContent = t("recount.fetching", {
                block: formatNumber(p.toBlock),
                head: formatNumber(p.head),
                ballots: formatNumber(p.ballots),
              });
            } else {
              progress.value = 95;
              status.textContent = t("recount.building", { ballots: formatNumber(p.ballots) });
            }
          },
        );
        progress.value = 100;
        status.textContent = t("recount.done", { block: formatNumber(result.block) });
        mount(output, resultView(poll, result, showTallies));
      } catch (error) {
        status.textContent = "";
        mount(output, errorNotice(error));
      } finally {
        button.disabled = false;
      }
    })();
  });

  return el("div", { class: "recount" }, el("p", {}, t("recount.intro")), button, progress, status, output);
}

function check(ok: boolean, label: string, mine: Node | string, chain: Node | string): HTMLElement {
  return el(
    "li",
    { class: ok ? "ok" : "bad", "data-match": ok ? "yes" : "no" },
    el("strong", {}, `${ok ? "✓" : "✗"} ${label}: `),
    `${t("recount.recounted")} `,
    mine,
    ` — ${t("recount.onChain")} `,
    chain,
  );
}

/** One table per question: each option's recounted votes beside the ledger's. */
function talliesTables(poll: RecountedPoll, r: RecountResult): HTMLElement {
  let offset = 0;
  const tables = poll.questions.map((q, qi) => {
    const rows = Array.from({ length: q.options }, (_, o) => {
      const mine = r.tallies[offset + o] ?? "—";
      const chain = r.chain.tallies[offset + o] ?? "—";
      const ok = mine === chain;
      return el(
        "tr",
        { "data-match": ok ? "yes" : "no" },
        el("th", { scope: "row" }, optionName(poll, qi, o)),
        el("td", {}, mine === "—" ? mine : formatNumber(BigInt(mine))),
        el("td", {}, chain === "—" ? chain : formatNumber(BigInt(chain))),
        el("td", { "aria-label": ok ? t("recount.equal") : t("recount.different") }, ok ? "✓" : "✗"),
      );
    });
    offset += q.options;
    return el(
      "div",
      { class: "table-scroll", tabindex: 0, role: "region", "aria-label": questionText(poll, qi) },
      el(
        "table",
        { class: "recount-table" },
        el("caption", {}, questionText(poll, qi)),
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { scope: "col" }, t("recount.option")),
            el("th", { scope: "col" }, t("recount.recountedColumn")),
            el("th", { scope: "col" }, t("recount.onChainColumn")),
            el("th", { scope: "col" }, t("recount.matchColumn")),
          ),
        ),
        el("tbody", {}, ...rows),
      ),
    );
  });
  return el("div", { class: "recount-tallies" }, ...tables);
}

function resultView(poll: RecountedPoll, r: RecountResult, showTallies: boolean): HTMLElement {
  const all = r.ballotsMatch && r.talliesMatch && r.rootMatch;
  const tallies = showTallies ? t("recount.talliesBelow") : t("recount.talliesHidden");
  return el(
    "div",
    {},
    all ? notice("success", t("recount.match")) : notice("error", t("recount.mismatch")),
    el(
      "ul",
      { class: "checks" },
      check(r.ballotsMatch, t("recount.ballots"), formatNumber(r.ballots), formatNumber(r.chain.ballots)),
      el(
        "li",
        { class: r.talliesMatch ? "ok" : "bad", "data-match": r.talliesMatch ? "yes" : "no" },
        el("strong", {}, `${r.talliesMatch ? "✓" : "✗"} ${t("recount.tallies")}: `),
        r.talliesMatch ? t("recount.talliesEqual") : t("recount.talliesDiffer"),
        " ",
        tallies,
      ),
      check(r.rootMatch, t("recount.root"), shortHex(r.root), shortHex(r.chain.root)),
    ),
    showTallies ? talliesTables(poll, r) : null,
  );
}
