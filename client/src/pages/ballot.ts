/**
 * After voting: the ballot's status until it is recorded, then its receipt — what was chosen, in
 * words; "check my vote", which verifies it against the ledger and says whether it still counts; the
 * download; and the raw receipt under "Technical details". Receipts are kept on this device.
 */
import { api, chainConfig } from "../api";
import { el, mount } from "../dom";
import { failureReason, formatNumber, t } from "../i18n";
import type { MessageKey } from "../messages/en";
import { downloadReceipt, receiptFromBallot } from "../receipt";
import type { Receipt } from "../receipt";
import { listReceipts, saveReceipt } from "../receipts";
import type { Cleanup } from "../router";
import type { BallotState, PollDetail } from "../types";
import { choicesList } from "../components/tallies";
import { showVerification } from "../components/verifyView";
import { errorNotice, heading, notice, pollTitle, shortHex } from "../components/ui";
import { requireSession } from "./session";

const POLL_MS = 1000;

function technical(receipt: Receipt): HTMLElement {
  const row = (key: MessageKey, value: Node | string) => [el("dt", {}, t(key)), el("dd", {}, value)];
  return el(
    "details",
    { class: "tech" },
    el("summary", {}, t("tech.details")),
    el(
      "dl",
      { class: "facts" },
      ...row("tech.leafIndex", formatNumber(receipt.leafIndex)),
      ...row("tech.leaf", shortHex(receipt.leaf)),
      ...row("tech.tx", shortHex(receipt.txHash)),
      ...row("tech.block", formatNumber(receipt.block)),
      ...row("tech.revision", formatNumber(receipt.revision)),
      ...row("tech.voterKey", shortHex(receipt.voter)),
    ),
    el(
      "pre",
      { class: "mono receipt-json", "data-testid": "receipt-json", tabindex: 0, "aria-label": t("tech.receiptJson") },
      JSON.stringify(receipt, null, 2),
    ),
  );
}

/** The link to the receipt of the resident's ballot with `revision` in the poll, if this device keeps it. */
function receiptLink(residentId: string, pollId: number) {
  return (revision: number): string | null => {
    const found = listReceipts(residentId).find((r) => r.pollId === pollId && r.revision === revision);
    return found ? `/me/receipts/${found.leaf}` : null;
  };
}

export function receiptView(receipt: Receipt, poll: PollDetail, residentId: string): HTMLElement {
  const output = el("div", { class: "verify-output" });
  const download = el("button", { type: "button" }, t("receipt.download"));
  const check = el("button", { type: "button", class: "primary" }, t("receipt.checkMine"));
  download.addEventListener("click", () => downloadReceipt(receipt));
  check.addEventListener("click", () => {
    check.disabled = true;
    void showVerification(output, receipt, { mine: true, receiptOf: receiptLink(residentId, receipt.pollId) }).finally(
      () => (check.disabled = false),
    );
  });
  return el(
    "section",
    { "aria-labelledby": "h-receipt" },
    el("h2", { id: "h-receipt" }, t("receipt.yours")),
    el("p", {}, t("receipt.poll"), " ", el("a", { href: `/me/polls/${receipt.pollId}` }, pollTitle(poll))),
    el("h3", {}, t("receipt.yourChoices")),
    choicesList(poll, receipt.choices),
    receipt.revision > 1
      ? el("p", { class: "muted" }, t("receipt.changed", { n: formatNumber(receipt.revision) }))
      : "",
    el("p", { class: "muted" }, t("receipt.keep")),
    el("div", { class: "actions" }, check, download),
    output,
    technical(receipt),
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
  let poll: PollDetail | null = null;

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
        poll ??= await api<PollDetail>("GET", `/api/polls/${b.pollId}`);
        return mount(body, receiptView(receipt, poll, s.residentId));
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
export async function savedReceiptPage(main: HTMLElement, params: Record<string, string>): Promise<void> {
  const s = requireSession(main);
  if (!s) return;
  const receipt = listReceipts(s.residentId).find((r) => r.leaf === params.leaf);
  main.append(heading(t("ballot.title")));
  if (!receipt) return void main.append(notice("error", t("receipt.notFound")));
  try {
    main.append(receiptView(receipt, await api<PollDetail>("GET", `/api/polls/${receipt.pollId}`), s.residentId));
  } catch (error) {
    main.append(errorNotice(error));
  }
}
