/**
 * "Recount this poll" for a secret poll: the browser rebuilds the census from the registry, reads
 * every secret ballot and its proof from the ledger, and sets each check beside the ledger's figure —
 * census root, eligible residents, one identity per resident, nullifiers, proofs, tallies per area
 * and in total, and the Merkle root.
 */
import { chainConfig } from "../api";
import { cardsOnPhone, el, mount } from "../dom";
import { formatNumber, t } from "../i18n";
import type { MessageKey } from "../messages/en";
import { runSecretRecount } from "../recount/run";
import type { SecretRecountResult } from "../recount/secretRecount";
import type { AreaResult, CensusSummary } from "../secretTypes";
import { errorNotice, notice, shortHex } from "./ui";

/**
 * Proofs are checked in batches, a millisecond or two each in the browser, after reading each ballot's
 * transaction: offered by default up to this many (about a minute or two).
 */
const PROOFS_BY_DEFAULT = 50_000;

interface SecretRecountedPoll {
  pollId: number;
  ballots: number;
  census?: CensusSummary | null;
  areas?: AreaResult[];
}

export function secretRecountPanel(poll: SecretRecountedPoll, showTallies: boolean): HTMLElement {
  const button = el("button", { type: "button", class: "primary" }, t("recount.run"));
  const progress = el("progress", { max: 100, value: 0, "aria-label": t("recount.progress"), hidden: true });
  const output = el("div", { class: "recount-output" });
  const status = el("p", { role: "status", class: "muted" });
  const verify = el("input", {
    type: "checkbox",
    id: `verify-proofs-${poll.pollId}`,
    checked: poll.ballots <= PROOFS_BY_DEFAULT,
  });

  button.addEventListener("click", () => {
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    mount(output);
    status.textContent = t("recount.starting");
    void (async () => {
      try {
        const config = await chainConfig();
        const result = await runSecretRecount(
          {
            rpcUrl: config.rpcUrl,
            chainId: config.chainId,
            ballotBox: config.ballotBox,
            deployedBlock: config.deployedBlock,
            pollId: poll.pollId,
            areaKind: poll.census?.areaKind ?? "district",
            verifyProofs: verify.checked,
          },
          (p) => {
            if (p.phase === "registry") {
              progress.value = 20;
              status.textContent = t("recount.readingRegistry", { block: formatNumber(p.block) });
            } else if (p.phase === "ballots") {
              progress.value = 50;
              status.textContent = t("recount.building", { ballots: formatNumber(p.ballots) });
            } else {
              progress.value = 50 + Math.round((50 * p.done) / Math.max(1, p.total));
              status.textContent = t("recount.verifyingProofs", {
                done: formatNumber(p.done),
                total: formatNumber(p.total),
              });
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

  return el(
    "div",
    { class: "recount", "data-testid": "secret-recount" },
    el("p", {}, t("recount.secretIntro")),
    el(
      "div",
      { class: "check" },
      verify,
      el("label", { for: verify.id }, t("recount.verifyProofs", { ballots: formatNumber(poll.ballots) })),
    ),
    button,
    progress,
    status,
    output,
  );
}

function line(ok: boolean, label: MessageKey, ...text: (Node | string)[]): HTMLElement {
  return el(
    "li",
    { class: ok ? "ok" : "bad", "data-match": ok ? "yes" : "no" },
    el("strong", {}, `${ok ? "✓" : "✗"} ${t(label)}: `),
    ...text,
  );
}

function pair(mine: Node | string, chain: Node | string): (Node | string)[] {
  return [`${t("recount.recounted")} `, mine, ` — ${t("recount.onChain")} `, chain];
}

function resultView(poll: SecretRecountedPoll, r: SecretRecountResult, showTallies: boolean): HTMLElement {
  const c = r.census;
  const proofsOk = r.proofs === null || r.proofs.valid === r.proofs.checked;
  const all =
    c.rootMatch &&
    c.eligibleMatch &&
    c.sharedCommitments === 0 &&
    r.nullifierProblems === 0 &&
    proofsOk &&
    r.ballotsMatch &&
    r.talliesMatch &&
    r.areasMatch &&
    r.rootMatch;
  const labels = new Map((poll.areas ?? []).map((a) => [a.area, a.label]));
  return el(
    "div",
    {},
    all ? notice("success", t("recount.match")) : notice("error", t("recount.mismatch")),
    el(
      "ul",
      { class: "checks" },
      line(c.rootMatch, "recount.census", ...pair(shortHex(c.root), shortHex(c.chainRoot))),
      line(c.eligibleMatch, "recount.eligible", ...pair(formatNumber(c.eligible), formatNumber(c.chainEligible))),
      line(
        c.sharedCommitments === 0 && c.areas === c.chainAreas,
        "recount.censusOnePerResident",
        t("recount.censusAreas", { residents: formatNumber(c.eligible), areas: formatNumber(c.areas) }),
      ),
      line(r.nullifierProblems === 0, "recount.nullifiers", formatNumber(r.voters)),
      r.proofs
        ? line(
            proofsOk,
            "recount.proofs",
            t("recount.proofsCount", { ok: formatNumber(r.proofs.valid), total: formatNumber(r.proofs.checked) }),
          )
        : null,
      line(r.ballotsMatch, "recount.ballots", ...pair(formatNumber(r.ballots), formatNumber(r.chainBallots))),
      line(
        r.talliesMatch,
        "recount.tallies",
        r.talliesMatch ? t("recount.talliesEqual") : t("recount.talliesDiffer"),
        " ",
        showTallies ? "" : t("recount.talliesHidden"),
      ),
      line(r.areasMatch, "recount.areaTallies", r.areasMatch ? t("recount.talliesEqual") : t("recount.talliesDiffer")),
      line(r.rootMatch, "recount.root", ...pair(shortHex(r.root), shortHex(r.chainRoot))),
    ),
    showTallies
      ? el(
          "div",
          { class: "table-scroll", tabindex: 0, role: "region", "aria-label": t("recount.areaTallies") },
          cardsOnPhone(
            el(
              "table",
              { class: "recount-table" },
              el("caption", {}, t("recount.areaTallies")),
              el(
                "thead",
                {},
                el(
                  "tr",
                  {},
                  el("th", { scope: "col" }, t("areas.area")),
                  el("th", { scope: "col" }, t("areas.eligible")),
                  el("th", { scope: "col" }, t("areas.voters")),
                  el("th", { scope: "col" }, t("recount.recountedColumn")),
                  el("th", { scope: "col" }, t("recount.onChainColumn")),
                  el("th", { scope: "col" }, t("recount.matchColumn")),
                ),
              ),
              el(
                "tbody",
                {},
                ...r.areas.map((a) =>
                  el(
                    "tr",
                    { "data-match": a.match ? "yes" : "no" },
                    el("th", { scope: "row" }, labels.get(a.area) ?? String(a.area)),
                    el("td", {}, formatNumber(a.eligible)),
                    el("td", {}, formatNumber(a.voters)),
                    el("td", { class: "mono" }, a.tallies.join(" · ")),
                    el("td", { class: "mono" }, a.chainTallies.join(" · ")),
                    el(
                      "td",
                      { "aria-label": a.match ? t("recount.equal") : t("recount.different") },
                      a.match ? "✓" : "✗",
                    ),
                  ),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}
