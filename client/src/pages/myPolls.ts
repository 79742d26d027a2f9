/** The polls this resident may vote in, with whether and how they voted. */
import { api } from "../api";
import { el } from "../dom";
import { formatNumber, t } from "../i18n";
import { listReceipts } from "../receipts";
import type { MessageKey } from "../messages/en";
import type { MyPoll } from "../types";
import { errorNotice, heading, loading } from "../components/ui";
import { pollCard } from "./explorerList";
import { requireSession } from "./session";

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
    const open = polls.filter((p) => p.state === "Active");
    const other = polls.filter((p) => p.state !== "Active");
    const card = (p: MyPoll) =>
      pollCard(
        p,
        `/me/polls/${p.pollId}`,
        el(
          "p",
          { class: "my-ballot" },
          p.myBallot
            ? t("me.voted", {
                revision: formatNumber(p.myBallot.revision),
                status: t(`status.${p.myBallot.status}` as MessageKey),
              })
            : t("me.notVoted"),
        ),
      );
    if (open.length > 0)
      main.append(el("h2", {}, t("explorer.active")), el("ul", { class: "cards" }, ...open.map(card)));
    if (other.length > 0)
      main.append(el("h2", {}, t("me.otherPolls")), el("ul", { class: "cards" }, ...other.map(card)));
    const receipts = listReceipts(s.residentId);
    if (receipts.length > 0) {
      main.append(
        el("h2", {}, t("me.receipts")),
        el(
          "ul",
          {},
          ...receipts.map((r) =>
            el(
              "li",
              {},
              el(
                "a",
                { href: `/me/receipts/${r.leaf}` },
                t("me.receiptItem", { poll: r.pollId, leaf: r.leafIndex, revision: r.revision }),
              ),
            ),
          ),
        ),
      );
    }
  } catch (error) {
    status.replaceWith(errorNotice(error));
  }
}
