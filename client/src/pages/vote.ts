/** A poll to vote in: its questions, live results, and a ballot signed here with the voter key. */
import { BALLOT_TYPES, ballotDomain, ballotMessage } from "../../../contracts/protocol/ballot";
import { encodeChoices } from "../../../contracts/protocol/choices";
import { api, chainConfig } from "../api";
import { el, mount } from "../dom";
import { failureReason, formatNumber, t } from "../i18n";
import type { MessageKey } from "../messages/en";
import { loadStoredKey, unlock, unlockedWallet } from "../keys/vault";
import { navigate } from "../router";
import type { Me, MyPoll, PollDetail } from "../types";
import { ballotFields } from "../components/ballotForm";
import { talliesView } from "../components/tallies";
import {
  errorNotice,
  field,
  heading,
  loading,
  localized,
  notice,
  pollTitle,
  scheduleText,
  stateBadge,
} from "../components/ui";
import { requireSession } from "./session";

export async function votePage(main: HTMLElement, params: Record<string, string>): Promise<void> {
  const s = requireSession(main);
  if (!s) return;
  const pollId = Number(params.pollId);
  const status = loading();
  main.append(status);
  let mine: MyPoll | undefined;
  let detail: PollDetail;
  let me: Me;
  try {
    const [list, d, m] = await Promise.all([
      api<{ polls: MyPoll[] }>("GET", "/api/me/polls"),
      api<PollDetail>("GET", `/api/polls/${pollId}`),
      api<Me>("GET", "/api/me"),
    ]);
    mine = list.polls.find((p) => p.pollId === pollId);
    detail = d;
    me = m;
  } catch (error) {
    status.replaceWith(errorNotice(error));
    return;
  }
  status.remove();
  main.append(
    heading(pollTitle(detail)),
    el("p", { class: "meta" }, stateBadge(detail.state), " ", scheduleText(detail)),
    el("p", { class: "description" }, localized(detail.content?.description, "")),
  );
  const ballotArea = el(
    "section",
    { "aria-labelledby": "h-ballot" },
    el("h2", { id: "h-ballot" }, t("vote.yourBallot")),
  );
  main.append(ballotArea);
  main.append(
    el(
      "section",
      { "aria-labelledby": "h-live" },
      el("h2", { id: "h-live" }, t("vote.liveResults")),
      el("p", { class: "muted" }, t("vote.ballotsSoFar", { n: formatNumber(detail.ballots) })),
      talliesView(detail),
      el("p", {}, el("a", { href: `/polls/${pollId}` }, t("vote.openInExplorer"))),
    ),
  );

  if (!mine) return void ballotArea.append(notice("info", t("vote.notEligible")));
  const myBallot = mine.myBallot;
  if (myBallot) {
    ballotArea.append(
      el(
        "p",
        {},
        t("me.voted", {
          revision: formatNumber(myBallot.revision),
          status: t(`status.${myBallot.status}` as MessageKey),
        }),
        " ",
        el("a", { href: `/me/ballots/${myBallot.ballotId}` }, t("vote.viewReceipt")),
      ),
    );
    if (myBallot.status === "failed") {
      ballotArea.append(notice("error", t("ballot.failed", { reason: failureReason(myBallot.errorCode) })));
    }
  }
  if (detail.state !== "Active") return void ballotArea.append(notice("info", t("vote.notOpen")));
  const nextRevision = mine.nextRevision;
  if (nextRevision === null) return void ballotArea.append(notice("info", t("vote.noRevote")));
  const enrolled = me.voterKey?.status === "active" ? me.voterKey.address : null;
  const stored = loadStoredKey(s.residentId, enrolled);
  if (!enrolled || !stored || stored.address.toLowerCase() !== enrolled.toLowerCase()) {
    return void ballotArea.append(notice("info", t("vote.needKey"), " ", el("a", { href: "/me/key" }, t("key.title"))));
  }

  const fields = ballotFields(pollId, detail.questions, detail.content);
  const password = el("input", { type: "password", name: "password", autocomplete: "current-password" });
  const needsUnlock = !unlockedWallet(s.residentId);
  const formStatus = el("div");
  const button = el("button", { type: "submit", class: "primary" }, myBallot ? t("vote.change") : t("vote.submit"));
  const form = el(
    "form",
    { class: "stack" },
    myBallot ? el("p", {}, t("vote.revoteExplain")) : null,
    fields.node,
    needsUnlock ? field(t("vote.passwordToSign"), password, t("vote.passwordHint")) : null,
    button,
    formStatus,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = fields.selection();
    if (!picked.ok) return mount(formStatus, notice("error", t("vote.answerAll", { n: picked.question + 1 })));
    button.disabled = true;
    mount(formStatus, el("p", { role: "status", class: "muted" }, t("vote.signing")));
    void (async () => {
      try {
        const wallet = unlockedWallet(s.residentId) ?? (await unlock(s.residentId, password.value, enrolled));
        const config = await chainConfig();
        const ballot = {
          pollId: BigInt(pollId),
          choices: encodeChoices(detail.questions, picked.selected),
          revision: BigInt(nextRevision),
        };
        const signature = await wallet.signTypedData(
          ballotDomain(config.chainId, config.ballotBox),
          BALLOT_TYPES,
          ballotMessage(ballot),
        );
        const answer = await api<{ ballotId: string }>("POST", "/api/ballots", {
          pollId: ballot.pollId.toString(),
          choices: ballot.choices.toString(),
          revision: ballot.revision.toString(),
          signature,
        });
        navigate(`/me/ballots/${answer.ballotId}`);
      } catch (error) {
        mount(formStatus, errorNotice(error));
        button.disabled = false;
      }
    })();
  });
  ballotArea.append(form);
}
