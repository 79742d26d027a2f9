/** Runs a receipt's check and shows its outcome in words. */
import { chainConfig } from "../api";
import { el, mount } from "../dom";
import { formatNumber, t } from "../i18n";
import { verifyReceipt } from "../receipt";
import type { Receipt } from "../receipt";
import { errorNotice, notice, shortHex } from "./ui";

export async function showVerification(target: HTMLElement, receipt: Receipt): Promise<void> {
  mount(target, el("p", { role: "status", class: "muted" }, t("verify.checking")));
  try {
    const outcome = await verifyReceipt(receipt, await chainConfig());
    switch (outcome.kind) {
      case "verified":
        return mount(
          target,
          notice(
            "success",
            el("strong", { "data-testid": "verified" }, t("verify.verified")),
            " ",
            t("verify.verifiedDetail", {
              leaf: formatNumber(receipt.leafIndex),
              ballots: formatNumber(outcome.ballots),
              block: formatNumber(outcome.block),
            }),
            " ",
            shortHex(outcome.root),
          ),
        );
      case "not-included":
        return mount(target, notice("error", t("verify.notIncluded"), " ", shortHex(outcome.root)));
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
