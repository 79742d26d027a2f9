/**
 * The polls this resident may vote in, by state, each saying in words where the resident stands; and
 * the receipts kept on this device, grouped by poll, the counted one marked.
 */
import { api } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import type { MessageKey } from "../messages/en";
import type { FullReceipt } from "../../../contracts/protocol/receipt";
import { listReceipts } from "../receipts";
import { latestSecretVote } from "../secret/secretStore";
import type { MyPoll } from "../types";
import { errorNotice, heading, loading, pollTitle } from "../components/ui";
import { pollCard } from "./explorerList";
import { requireSession } from "./session";

const SECTIONS: { key: MessageKey; states: MyPoll["state"][] }[] = [
  { key: "explorer.active", states: ["Active"] },
  { key: "explorer.upcoming", states: ["Pending"] },
  { key: "me.finished", states: ["Closed", "Finalized"] },
  { key: "explorer.cancelled", states: ["Cancelled"] },
];

/**
 * Where the resident stands in a poll, in words. The API cannot know a secret ballot: this device's
 * record says whether the resident voted in a secret poll from here.
 */
function myStanding(p: MyPoll, residentId: string): string {
  if (p.secret) {
    const mine = latestSecretVote(residentId, p.pollId);
    if (p.state === "Pending") return t("me.notOpenYet");
    if (p.state === "Cancelled") return mine ? t("me.votedCancelled") : t("me.cancelled");
    if (mine) return p.state === "Active" && p.revote ? t("me.votedCanChange") : t("me.voted");
    return p.state === "Active" ? t("me.secretNotVotedHere") : t("secret.notHere");
  }
  const voted = p.myBallot !== null && p.myBallot.status !== "failed";
  if (p.state === "Pending") return t("me.notOpenYet");
  if (p.state === "Cancelled") return voted ? t("me.votedCancelled") : t("me.cancelled");
  if (voted && p.myBallot?.status !== "mined" && p.myBallot?.status !== "superseded") return t("me.votedPending");
  if (voted) return p.state === "Active" && p.revote ? t("me.votedCanChange") : t("me.voted");
  return p.state === "Active" ? t("me.notVoted") : t("me.didNotVote");
}

function receiptsSection(receipts: FullReceipt[], polls: MyPoll[]): HTMLElement | null {
  if (receipts.length === 0) return null;
  const byPoll = new Map<number, FullReceipt[]>();
  for (const r of receipts) byPoll.set(r.pollId, [...(byPoll.get(r.pollId) ?? []), r]);
  const groups = [...byPoll.entries()].map(([pollId, list]) => {
    const poll = polls.find((p) => p.pollId === pollId);
    const counted = poll?.myBallot?.revision ?? Math.max(...list.map((r) => r.revision));
    const items = [...list]
      .sort((a, b) => b.revision - a.revision)
      .map((r) => {
        const counts = r.revision === counted;
        return el(
          "li",
          { "data-counts": counts ? "yes" : "no" },
          el("a", { href: `/me/receipts/${r.leaf}` }, t("me.receiptItem", { n: r.revision })),
          " — ",
          el(
            "span",
            { class: counts ? "counts" : "replaced" },
            counts ? t("me.receiptCounts") : t("me.receiptReplaced"),
          ),
        );
      });
    return el(
      "li",
      {},
      el("span", { class: "receipt-poll" }, poll ? pollTitle(poll) : t("poll.untitled", { id: pollId })),
      el("ul", {}, ...items),
    );
  });
  return el(
    "section",
    { "aria-labelledby": "h-receipts" },
    el("h2", { id: "h-receipts" }, t("me.receipts")),
    el("p", { class: "muted" }, t("me.receiptsIntro")),
    el("ul", { class: "receipts" }, ...groups),
  );
}

export async function myPollsPage(main: HTMLElement): Promise<void> {
  const s = requireSession(main);
  if (!s) return;
  main.append(heading(t("me.pollsTitle")));
  const status = loading();
  main.append(status);
  try {
    const { polls } = await api<{ polls: MyPoll[] }>("GET", "/api/me/polls");
    status.remove();
    if (polls.length === 0) main.append(el("p", {}, t("me.noPolls")));
    for (const section of SECTIONS) {
      const list = polls.filter((p) => section.states.includes(p.state));
      if (list.length === 0) continue;
      const id = `my-${section.states[0] ?? ""}`;
      main.append(
        el(
          "section",
          { "aria-labelledby": id },
          el("h2", { id }, t(section.key)),
          el(
            "ul",
            { class: "cards" },
            ...list.map((p) =>
              pollCard(p, `/me/polls/${p.pollId}`, el("p", { class: "my-ballot" }, myStanding(p, s.residentId))),
            ),
          ),
        ),
      );
    }
    main.append(receiptsSection(listReceipts(s.residentId), polls) ?? "");
  } catch (error) {
    status.replaceWith(errorNotice(error));
  }
}
