/**
 * The secret ballot form: the questions, the password when the anonymous identity is locked, and
 * casting — the proof is made in a worker on this device (with its progress shown), the ballot is
 * sent without the session or cookies, and its receipt is kept here once the ledger records it.
 * Nothing is signed with the voter key.
 */
import { encodeChoices } from "../../../contracts/protocol/choices";
import { ApiError, api, chainConfig } from "../api";
import { chainReader } from "../chain";
import { el, mount } from "../dom";
import { formatNumber, t } from "../i18n";
import { loadIdentity, unlockIdentity, unlockedIdentity } from "../keys/identity";
import { Prover } from "../secret/runProver";
import type { ChainCensus, ProveProgress, ProveResult } from "../secret/prover";
import { saveSecretVote } from "../secret/secretStore";
import type { SecretVote } from "../secret/secretStore";
import { postSecretBallot, secretReceiptOf, waitForSecretBallot } from "../secret/submit";
import type { ChainConfig, PollDetail } from "../types";
import { ballotFields } from "./ballotForm";
import { errorNotice, field, notice } from "./ui";

export interface SecretVoteFormInput {
  poll: PollDetail;
  residentId: string;
  /** The resident's area today (district or building code); the census may count them elsewhere. */
  area: number;
  /** The last revision this device sent in the poll (0 if none). */
  lastRevision: number;
  current: number[][];
  changing: boolean;
  /** Called once the ballot is recorded, to redraw the page. */
  done: (vote: SecretVote) => void;
}

const megabytes = (bytes: number) => `${formatNumber(Math.round(bytes / 100_000) / 10)} MB`;

/** Shows the prover's steps in words and a bar; the proving step counts its seconds on the page. */
function progressView() {
  const bar = el("progress", { max: 100, value: 0, "aria-label": t("common.working") });
  const text = el("p", { role: "status", class: "muted", "data-testid": "secret-progress" });
  let ticker: ReturnType<typeof setInterval> | undefined;
  const stopTicker = () => clearInterval(ticker);
  const show = (p: ProveProgress) => {
    stopTicker();
    if (p.phase === "census") {
      bar.value = 5;
      text.textContent = t("secret.census");
    } else if (p.phase === "group") {
      bar.value = 10;
      text.textContent = t("secret.group", { n: formatNumber(p.members) });
    } else if (p.phase === "download") {
      bar.value = 10 + Math.round((40 * p.loaded) / Math.max(1, p.total));
      text.textContent = t("secret.download", { done: megabytes(p.loaded), total: megabytes(p.total) });
    } else {
      const started = performance.now();
      const tick = () => {
        const seconds = (performance.now() - started) / 1000;
        bar.value = Math.min(90, 50 + Math.round(seconds * 10));
        text.textContent = t("secret.proving", { seconds: formatNumber(Math.round(seconds * 10) / 10) });
      };
      tick();
      ticker = setInterval(tick, 200);
    }
  };
  const say = (message: string, value: number) => {
    stopTicker();
    bar.value = value;
    text.textContent = message;
  };
  return { node: el("div", { class: "secret-progress" }, bar, text), show, say, stop: stopTicker };
}

/**
 * Where the poll's census counts the resident: the area and identity of its snapshot, which differ
 * from today's when they moved or made a new identity since; null when it counts no identity of theirs.
 * Asked with the session, which names the resident already. Unanswered, today's area is the guess.
 */
async function censusPlace(pollId: number, today: number): Promise<{ area: number; commitment: string | null } | null> {
  try {
    const place = await api<{ counted: boolean; area: number | null; commitment: string | null }>(
      "GET",
      `/api/me/census/${pollId}`,
    );
    return place.counted && place.area !== null ? { area: place.area, commitment: place.commitment } : null;
  } catch {
    return { area: today, commitment: null };
  }
}

let shared: Prover | null = null;

/** One prover worker for the page's lifetime: what it readied (files, curve) serves every vote. */
function prover(): Prover {
  shared ??= new Prover();
  return shared;
}

export function secretVoteForm(input: SecretVoteFormInput): HTMLFormElement {
  const { poll, residentId } = input;
  const progress = progressView();
  let casting = false;
  // The census as the chain commits to it: the area's group the API serves must lead to its root.
  const census = chainCensus(poll.pollId);
  const commitment = loadIdentity(residentId)?.commitment ?? "0";
  const fields = ballotFields(poll.pollId, poll.questions, poll.content, input.current);
  const password = el("input", { type: "password", name: "password", autocomplete: "current-password" });
  const locked = !unlockedIdentity(residentId);
  const status = el("div");
  const label = input.changing ? t("secret.change") : t("secret.submit");
  const button = el("button", { type: "submit", class: "primary" }, label);
  const form = el(
    "form",
    { class: "stack", "data-testid": "secret-vote-form" },
    input.changing ? el("p", {}, t("vote.revoteExplain")) : null,
    fields.node,
    locked ? field(t("vote.passwordToSign"), password, t("secret.passwordHint")) : null,
    button,
    status,
  );
  // Readied while the resident chooses, so casting only proves; a failure shows again on casting. An
  // identity the poll's census does not hold (made after the poll) is said at once, not at casting.
  const outside = (message = t("secret.notInCensus")) => mount(form, notice("info", message));
  const place = censusPlace(poll.pollId, input.area);
  Promise.all([census, place])
    .then(([c, p]) => {
      if (casting) return;
      if (!p) return outside();
      if (p.commitment !== null && p.commitment !== commitment) return outside(t("secret.earlierIdentity"));
      return prover()
        .prepare(poll.pollId, p.area, c, commitment, (q) => casting && progress.show(q))
        .then((ready) => {
          if (!ready.member && !casting) outside();
        });
    })
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "CENSUS_AREA_UNKNOWN" && !casting) outside();
    });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = fields.selection();
    if (!picked.ok) return mount(status, notice("error", t("vote.answerAll", { n: picked.question + 1 })));
    if (!unlockedIdentity(residentId) && password.value === "") {
      password.focus();
      return mount(status, notice("error", t("error.PASSWORD_REQUIRED")));
    }
    button.disabled = true;
    casting = true;
    mount(status, progress.node);
    void (async () => {
      try {
        const identity = await unlockIdentity(residentId, password.value);
        const config = await chainConfig();
        const chosenCensus = await census;
        const area = (await place)?.area ?? input.area;
        const choices = encodeChoices(poll.questions, picked.selected).toString();
        const prove = (revision: number) =>
          prover().prove(
            {
              pollId: poll.pollId,
              census: chosenCensus,
              chainId: config.chainId,
              ballotBox: config.ballotBox,
              area,
              choices,
              revision,
              identity: identity.export(),
            },
            progress.show,
          );
        // This device's record of the revision may be behind (a vote from another browser): the
        // proof names the nullifier, and the ledger says which revision of it counts.
        let revision = input.lastRevision + 1;
        let proved = await prove(revision);
        const counted = await countedRevision(config, poll.pollId, proved.proof.nullifier);
        if (counted >= revision) {
          revision = counted + 1;
          proved = await prove(revision);
        }
        progress.say(t("secret.sending"), 92);
        let stale: number | null = null;
        let accepted = await postBallot(poll.pollId, choices, revision, proved).catch((error: unknown) => {
          // A later ballot the API holds but the ledger has not recorded yet: the API says its revision.
          if (!(error instanceof ApiError && error.code === "BALLOT_STALE_REVISION")) throw error;
          stale = Number((error.details as { lastRevision?: number } | undefined)?.lastRevision ?? revision);
          return null;
        });
        if (!accepted) {
          revision = Math.max(revision, stale ?? revision) + 1;
          proved = await prove(revision);
          progress.say(t("secret.sending"), 92);
          accepted = await postBallot(poll.pollId, choices, revision, proved);
        }
        const vote: SecretVote = {
          pollId: poll.pollId,
          area,
          revision,
          choices,
          ballotId: accepted.ballotId,
          nullifier: proved.proof.nullifier,
          sentAt: new Date().toISOString(),
          proofMs: proved.timings.proving,
          receipt: null,
        };
        saveSecretVote(residentId, vote);
        progress.say(t("secret.waiting"), 95);
        const state = await waitForSecretBallot(accepted.ballotId);
        vote.receipt = state.status === "mined" ? await secretReceiptOf(state, vote, config) : null;
        saveSecretVote(residentId, vote);
        progress.stop();
        if (!vote.receipt) throw new ApiError(0, state.errorCode ?? "PROOF_FAILED", `ballot ${state.status}`);
        input.done(vote);
      } catch (error) {
        progress.stop();
        casting = false;
        mount(status, errorNotice(error));
        button.disabled = false;
      }
    })();
  });
  return form;
}

function postBallot(pollId: number, choices: string, revision: number, proved: ProveResult) {
  return postSecretBallot({ pollId, choices, revision, area: proved.area, proof: proved.proof });
}

async function chainCensus(pollId: number): Promise<ChainCensus> {
  const found = await chainReader(await chainConfig()).box.census(pollId);
  return { root: found.root, areas: Number(found.areas) };
}

async function countedRevision(config: ChainConfig, pollId: number, nullifier: string): Promise<number> {
  const [revision] = await chainReader(config).box.secretBallotOf(pollId, BigInt(nullifier));
  return Number(revision);
}
