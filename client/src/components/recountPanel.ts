/** "Recount this poll": the browser fetches the ballots from the chain and checks tallies and root. */
import { chainConfig } from "../api";
import { el, mount } from "../dom";
import { formatNumber, t } from "../i18n";
import { runRecount } from "../recount/run";
import type { RecountResult } from "../recount/recount";
import { errorNotice, notice, shortHex } from "./ui";

export function recountPanel(pollId: number): HTMLElement {
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
            pollId,
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
        mount(output, resultView(result));
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

function resultView(r: RecountResult): HTMLElement {
  const all = r.ballotsMatch && r.talliesMatch && r.rootMatch;
  const line = (ok: boolean, label: string, mine: Node | string, chain: Node | string) =>
    el(
      "li",
      { class: ok ? "ok" : "bad", "data-match": ok ? "yes" : "no" },
      el("strong", {}, `${ok ? "✓" : "✗"} ${label}: `),
      `${t("recount.recounted")} `,
      mine,
      ` — ${t("recount.onChain")} `,
      chain,
    );
  return el(
    "div",
    {},
    all ? notice("success", t("recount.match")) : notice("error", t("recount.mismatch")),
    el(
      "ul",
      { class: "checks" },
      line(r.ballotsMatch, t("recount.ballots"), formatNumber(r.ballots), formatNumber(r.chain.ballots)),
      line(r.talliesMatch, t("recount.tallies"), r.tallies.join(", "), r.chain.tallies.join(", ")),
      line(r.rootMatch, t("recount.root"), shortHex(r.root), shortHex(r.chain.root)),
    ),
  );
}
