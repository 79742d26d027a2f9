/**
 * "Your ballot" in a secret poll: why it is secret and earns no points, the vote this device sent
 * (with its receipt and check), and the secret ballot form when the poll is open and this device holds
 * the resident's anonymous identity.
 */
import { buildingCode } from "../../../contracts/protocol/building";
import { el, mount } from "../dom";
import { formatDate, formatNumber, t } from "../i18n";
import { downloadReceipt } from "../receipt";
import { loadIdentity } from "../keys/identity";
import type { SecretPollFields } from "../secretTypes";
import { latestSecretVote } from "../secret/secretStore";
import type { SecretVote } from "../secret/secretStore";
import type { Me, PollDetail } from "../types";
import { secretVoteForm } from "./secretVoteForm";
import { choicesList, decodeSafely } from "./tallies";
import { notice, shortHex } from "./ui";
import { showVerification } from "./verifyView";

export type SecretPoll = PollDetail & SecretPollFields;

/** The resident's area in the poll's census: their district, or their building's public code. */
export function censusArea(poll: SecretPoll, me: Pick<Me, "district" | "building">): number {
  return poll.census?.areaKind === "building" ? buildingCode(me.building) : me.district;
}

function receiptPart(vote: SecretVote, onLedger?: (leafIndex: number) => void): Node[] {
  const receipt = vote.receipt;
  if (!receipt) return [el("p", { class: "muted" }, t("secret.waiting"))];
  const output = el("div", { class: "verify-output" });
  const check = el("button", { type: "button", class: "primary" }, t("receipt.checkMine"));
  const download = el("button", { type: "button" }, t("receipt.download"));
  download.addEventListener("click", () => downloadReceipt(receipt));
  check.addEventListener("click", () => {
    check.disabled = true;
    void showVerification(output, receipt, { mine: true, onLedger }).finally(() => (check.disabled = false));
  });
  return [
    el("p", { class: "muted" }, t("receipt.keep")),
    el("div", { class: "actions" }, check, download),
    output,
    el(
      "details",
      { class: "tech" },
      el("summary", {}, t("tech.details")),
      el(
        "dl",
        { class: "facts" },
        el("dt", {}, t("tech.leaf")),
        el("dd", {}, shortHex(receipt.leaf)),
        el("dt", {}, t("tech.revision")),
        el("dd", { "data-testid": "secret-revision" }, String(receipt.revision)),
        el("dt", {}, t("tech.nullifier")),
        el("dd", {}, shortHex(BigInt(receipt.nullifier).toString(16).padStart(64, "0"))),
      ),
      el(
        "pre",
        { class: "mono receipt-json", "data-testid": "receipt-json", tabindex: 0, "aria-label": t("tech.receiptJson") },
        JSON.stringify(receipt, null, 2),
      ),
    ),
  ];
}

/** `onLedger` hears of each ballot of this device the chain is known to hold, by its leaf. */
export function secretBallotSection(
  poll: SecretPoll,
  me: Me,
  residentId: string,
  onLedger?: (leafIndex: number) => void,
): HTMLElement {
  const body = el("div", { "data-testid": "secret-ballot" });
  const draw = (justSent?: SecretVote) => {
    const vote = latestSecretVote(residentId, poll.pollId);
    const parts: Node[] = [
      notice("info", t("secret.explain")),
      el("p", { class: "points-note" }, t("secret.noPoints")),
    ];
    if (vote) {
      parts.push(el("p", { "data-testid": "my-vote" }, t("secret.yourVote")), choicesList(poll, vote.choices));
      if (justSent?.ballotId === vote.ballotId && vote.receipt) {
        const seconds = formatNumber(Math.round((vote.proofMs ?? 0) / 100) / 10);
        const recorded = notice("success", t("secret.recorded"), " ", t("secret.unlinkable"));
        recorded.dataset.testid = "secret-recorded";
        recorded.dataset.proofMs = String(vote.proofMs ?? "");
        parts.push(recorded, el("p", { class: "muted" }, t("secret.proofTime", { seconds })));
        onLedger?.(vote.receipt.leafIndex);
      }
      parts.push(...receiptPart(vote, onLedger));
    }
    if (poll.state === "Pending") parts.push(notice("info", t("vote.opensAt", { date: formatDate(poll.start) })));
    else if (poll.state === "Cancelled") parts.push(notice("info", t("vote.cancelled")));
    else if (poll.state !== "Active") {
      if (!vote) parts.push(notice("info", t("secret.notHere")));
    } else if (!loadIdentity(residentId)) {
      parts.push(notice("info", t("secret.needIdentity"), " ", el("a", { href: "/me/key" }, t("key.title"))));
    } else if (vote && !poll.revote) {
      parts.push(notice("info", t("vote.noRevote")));
    } else {
      const form = secretVoteForm({
        poll,
        residentId,
        area: censusArea(poll, me),
        lastRevision: vote?.revision ?? 0,
        current: vote ? decodeSafely(poll, vote.choices) : [],
        changing: Boolean(vote),
        done: draw,
      });
      parts.push(form);
    }
    mount(body, ...parts);
  };
  draw();
  return body;
}
