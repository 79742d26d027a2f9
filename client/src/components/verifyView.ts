/**
 * Runs a receipt's check and shows its outcome in words: on the ledger and counted, on the ledger but
 * replaced by a later ballot of the same resident, or not there at all. The proof's figures stay in
 * "Technical details".
 */
import { chainConfig } from "../api";
import { el, mount } from "../dom";
import { formatNumber, t } from "../i18n";
import { verifyReceipt } from "../receipt";
import type { AnyReceipt } from "../receipt";
import { errorNotice, notice, shortHex } from "./ui";

export interface VerifyContext {
  /** The resident checks their own ballot (the words say "your"). */
  mine: boolean;
  /** Where the resident's counted ballot's receipt is, if this device keeps it. */
  receiptOf?: (revision: number) => string | null;
  /** Told when the chain has the ballot, so that counts shown beside it can catch up. */
  onLedger?: (leafIndex: number) => void;
}

function technical(receipt: AnyReceipt, outcome: { root: string; block: number; ballots: number }): HTMLElement {
  return el(
    "details",
    { class: "tech" },
    el("summary", {}, t("verify.techSummary")),
    el(
      "p",
      {},
      t("verify.techProof", {
        leaf: formatNumber(receipt.leafIndex),
        ballots: formatNumber(outcome.ballots),
        block: formatNumber(outcome.block),
      }),
      " ",
      shortHex(outcome.root),
    ),
  );
}

export async function showVerification(
  target: HTMLElement,
  receipt: AnyReceipt,
  context: VerifyContext,
): Promise<void> {
  mount(target, el("p", { role: "status", class: "muted" }, t("verify.checking")));
  try {
    const outcome = await verifyReceipt(receipt, await chainConfig());
    switch (outcome.kind) {
      case "verified": {
        context.onLedger?.(receipt.leafIndex);
        const details = technical(receipt, outcome);
        if (outcome.cancelled) {
          const title = el("strong", { "data-testid": "verified" }, t("verify.onLedger"));
          return mount(target, notice("info", title, " ", t("verify.cancelled")), details);
        }
        if (outcome.countedRevision > receipt.revision) {
          const link = context.receiptOf?.(outcome.countedRevision);
          return mount(
            target,
            notice(
              "info",
              el("strong", { "data-testid": "replaced" }, t("verify.replacedTitle")),
              " ",
              t(context.mine ? "verify.replacedMine" : "verify.replaced", { n: formatNumber(outcome.countedRevision) }),
              link ? el("span", {}, " ", el("a", { href: link }, t("verify.countedReceipt"))) : null,
            ),
            details,
          );
        }
        return mount(
          target,
          notice(
            "success",
            el("strong", { "data-testid": "verified" }, t("verify.counted")),
            " ",
            t(context.mine ? "verify.countedMine" : "verify.countedOther", { ballots: formatNumber(outcome.ballots) }),
          ),
          details,
        );
      }
      case "not-included":
        return mount(target, notice("error", t("verify.notIncluded")), technical(receipt, outcome));
      case "leaf-mismatch":
        return mount(target, notice("error", t("verify.leafMismatch")));
      case "wrong-deployment":
        return mount(target, notice("error", t("verify.wrongDeployment")));
      case "chain-moving":
        return mount(target, notice("error", t("verify.chainMoving")));
    }
  } catch (error) {
    mount(target, errorNotice(error));
  }
}
