/**
 * The ballot form: the questions (ticked as the resident's current vote when changing it), the
 * password when the voter key is locked — with why it is needed — and signing and sending.
 */
import { BALLOT_TYPES, ballotDomain, ballotMessage } from "../../../contracts/protocol/ballot";
import { encodeChoices } from "../../../contracts/protocol/choices";
import { api, chainConfig } from "../api";
import { el, mount } from "../dom";
import { t } from "../i18n";
import { unlock, unlockedWallet } from "../keys/vault";
import { navigate } from "../router";
import type { PollDetail } from "../types";
import { ballotFields } from "./ballotForm";
import { errorNotice, field, notice } from "./ui";

export interface VoteFormInput {
  poll: PollDetail;
  residentId: string;
  enrolled: string;
  /** The revision this ballot carries: what the API says the resident's next ballot needs. */
  revision: number;
  /** The options of the resident's current vote, per question, when changing it. */
  current: number[][];
  /** The resident has a ballot that counts (or is being recorded): the form changes the vote. */
  changing: boolean;
}

export function voteForm({ poll, residentId, enrolled, revision, current, changing }: VoteFormInput): HTMLFormElement {
  const fields = ballotFields(poll.pollId, poll.questions, poll.content, current);
  const password = el("input", { type: "password", name: "password", autocomplete: "current-password" });
  const locked = !unlockedWallet(residentId);
  const status = el("div");
  const button = el("button", { type: "submit", class: "primary" }, changing ? t("vote.change") : t("vote.submit"));
  const form = el(
    "form",
    { class: "stack" },
    changing ? el("p", {}, t("vote.revoteExplain")) : null,
    fields.node,
    locked ? el("p", { class: "unlock-why" }, t("vote.lockedExplain")) : null,
    locked ? field(t("vote.passwordToSign"), password, t("vote.passwordHint")) : null,
    button,
    status,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = fields.selection();
    if (!picked.ok) return mount(status, notice("error", t("vote.answerAll", { n: picked.question + 1 })));
    if (locked && !unlockedWallet(residentId) && password.value === "") {
      password.focus();
      return mount(status, notice("error", t("error.PASSWORD_REQUIRED")));
    }
    button.disabled = true;
    mount(status, el("p", { role: "status", class: "muted" }, t("vote.signing")));
    void (async () => {
      try {
        const wallet = unlockedWallet(residentId) ?? (await unlock(residentId, password.value, enrolled));
        const config = await chainConfig();
        const ballot = {
          pollId: BigInt(poll.pollId),
          choices: encodeChoices(poll.questions, picked.selected),
          revision: BigInt(revision),
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
        mount(status, errorNotice(error));
        button.disabled = false;
      }
    })();
  });
  return form;
}
