/**
 * After voting: the ballot's status until its transaction is mined, then its receipt — kept on this
 * device, downloadable as JSON — and "check my vote", which verifies it against the chain's root.
 */
import { api, chainConfig } from "../api";
import { el, mount } from "../dom";
import { failureReason, formatNumber, t } from "../i18n";
import type { MessageKey } from "../messages/en";
import { downloadReceipt, receiptFromBallot } from "../receipt";
import type { Receipt } from "../receipt";
import { listReceipts, saveReceipt } from "../receipts";
import type { Cleanup } from "../router";
import type { BallotState } from "../types";
import { showVerification } from "../components/verifyView";
import { errorNotice, heading, notice, shortHex } from "../components/ui";
import { requireSession } from "./session";

const POLL_MS = 1000;

export function receiptView(receipt: Receipt): HTMLElement {
  const output = el("div", { class: "verify-output" });
  const download = el("button", { type: "button" }, t("receipt.download"));
  const check = el("button", { type: "button", class: "primary" }, t("receipt.checkMine"));
  download.addEventListener("click", () => downloadReceipt(receipt));
  check.addEventListener("click", () => {
    check.disabled = true;
    void showVerification(output, receipt).finally(() => (check.disabled = false));
  });
  const row = (key: MessageKey, value: Node | string) => [el("dt", {}, t(key)), el("dd", {}, value)];
  return el(
    "section",
    { "aria-labelledby": "h-receipt" },
    el("h2", { id: "h-receipt" }, t("receipt.yours")),
    el(
      "dl",
      { class: "facts" },
      ...row("receipt.poll", el("a", { href: `/polls/${receipt.pollId}` }, formatNumber(receipt.pollId))),
      ...row("explorer.leaf", formatNumber(receipt.leafIndex)),
      ...row("receipt.leaf", shortHex(receipt.leaf)),
      ...row("explorer.tx", shortHex(receipt.txHash)),
      ...row("explorer.block", formatNumber(receipt.block)),
      ...row("explorer.revision", formatNumber(receipt.revision)),
      ...row("explorer.voter", shortHex(receipt.voter)),
    ),
    el("div", { class: "actions" }, check, download),
    el(
      "pre",
      { class: "mono receipt-json", "data-testid": "receipt-json", tabindex: 0, "aria-label": t("receipt.json") },
      JSON.stringify(receipt, null, 2),
    ),
    output,
  );
}

export function ballotPage(main: HTMLElement, params: Record<string, string>): Cleanup | void {
  const s = requireSession(main);
  if (!s) return;
  const ballotId = params.ballotId ?? "";
  const status = el("div", { role: "status", "aria-live": "polite" });
  const body = el("div");
  main.append(heading(t("ballot.title")), status, body);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const check = async () => {
    try {
      const b = await api<BallotState>("GET", `/api/ballots/${ballotId}`);
      mount(
        status,
        el(
          "p",
          { "data-status": b.status },
          t("ballot.status"),
          " ",
          el("strong", {}, t(`status.${b.status}` as MessageKey)),
        ),
      );
      if (b.status === "failed") {
        return mount(
          body,
          notice("error", t("ballot.failed", { reason: failureReason(b.errorCode) })),
          el("p", {}, el("a", { href: `/me/polls/${b.pollId}` }, t("ballot.voteAgain"))),
        );
      }
      if (b.status === "superseded" && !b.receipt) return mount(body, notice("info", t("ballot.superseded")));
      if (b.receipt) {
        const receipt = receiptFromBallot(b, b.receipt, await chainConfig());
        saveReceipt(s.residentId, receipt);
        return mount(body, receiptView(receipt));
      }
      mount(body, el("p", { class: "muted" }, t("ballot.waiting")));
    } catch (error) {
      mount(body, errorNotice(error));
    }
    if (!stopped) timer = setTimeout(() => void check(), POLL_MS);
  };
  void check();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** A receipt kept on this device, opened from the resident's list. */
export function savedReceiptPage(main: HTMLElement, params: Record<string, string>): void {
  const s = requireSession(main);
  if (!s) return;
  const receipt = listReceipts(s.residentId).find((r) => r.leaf === params.leaf);
  main.append(heading(t("ballot.title")));
  main.append(receipt ? receiptView(receipt) : notice("error", t("receipt.notFound")));
}
