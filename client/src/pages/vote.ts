/**
 * A poll to vote in: its questions, what voting earns, who sees what, the resident's current vote,
 * the ballot signed here with the voter key (or, in a secret poll, proved with the anonymous
 * identity), and the results as the poll's state and setting allow.
 */
import { api } from "../api";
import { el, mount } from "../dom";
import { failureReason, formatDate, formatNumber, t } from "../i18n";
import { loadStoredKey } from "../keys/vault";
import type { BallotState, Me, MyPoll, PollDetail } from "../types";
import { countsView, resultsView } from "../components/results";
import { outcomeSection, pollFacts, resultsHeading, resultsShown, scopeText } from "../components/pollText";
import { choicesList, decodeSafely } from "../components/tallies";
import {
  errorNotice,
  heading,
  loading,
  localized,
  notice,
  pollTitle,
  scheduleText,
  stateBadge,
} from "../components/ui";
import { voteForm } from "../components/voteForm";
import { secretBallotSection } from "../components/secretBallotSection";
import type { SecretPoll } from "../components/secretBallotSection";
import type { Cleanup } from "../router";
import { latestSecretVote } from "../secret/secretStore";
import { requireSession } from "./session";

/** How often an open poll's counts are read again, as the explorer does. */
const REFRESH_MS = 5000;
/** After a ballot of this page reaches the chain, how often and how long to wait for the site's index. */
const CATCH_UP_MS = 700;
const CATCH_UP_TRIES = 20;

interface Loaded {
  mine: MyPoll | undefined;
  poll: PollDetail;
  me: Me;
  current: BallotState | null;
}

async function load(pollId: number): Promise<Loaded> {
  const [list, poll, me] = await Promise.all([
    api<{ polls: MyPoll[] }>("GET", "/api/me/polls"),
    api<PollDetail>("GET", `/api/polls/${pollId}`),
    api<Me>("GET", "/api/me"),
  ]);
  const mine = list.polls.find((p) => p.pollId === pollId);
  const ballotId = mine?.myBallot?.ballotId;
  const current = ballotId ? await api<BallotState>("GET", `/api/ballots/${ballotId}`) : null;
  return { mine, poll, me, current };
}

function pointsLine(poll: PollDetail, voted: boolean): HTMLElement | string {
  if (poll.points === 0) return "";
  const n = formatNumber(poll.points);
  return el(
    "p",
    { class: "points-note", "data-testid": "poll-points" },
    voted ? t("vote.pointsEarned", { n }) : t("vote.pointsOffer", { n }),
  );
}

/**
 * The poll's turnout, counts and results, kept current while it is open: read again every few
 * seconds, and at once when this page learns of a ballot on the chain, until the site's index has
 * read that far. Otherwise a resident whose vote was just counted would read "0 ballots" beside it.
 */
function liveResults(first: PollDetail, votedByMe: () => boolean | null) {
  let poll = first;
  let facts = pollFacts(poll);
  const section = el("section", { "aria-labelledby": "h-live" });
  const draw = () => {
    const shown = resultsShown(poll, votedByMe());
    const next = pollFacts(poll);
    facts.replaceWith(next);
    facts = next;
    mount(
      section,
      el("h2", { id: "h-live" }, resultsHeading(poll, shown)),
      countsView(poll),
      resultsView(poll, shown),
      el("p", {}, el("a", { href: `/polls/${poll.pollId}` }, t("vote.openInExplorer"))),
    );
  };
  const reload = async () => {
    poll = await api<PollDetail>("GET", `/api/polls/${poll.pollId}`);
    draw();
  };
  let wanted = 0;
  let catchingUp = false;
  let stopped = false;
  const catchUp = async () => {
    catchingUp = true;
    for (let tries = 0; tries < CATCH_UP_TRIES && !stopped && poll.ballots < wanted; tries++) {
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_MS));
      await reload().catch(() => undefined);
    }
    catchingUp = false;
  };
  const timer = first.state === "Active" ? setInterval(() => void reload().catch(() => undefined), REFRESH_MS) : null;
  draw();
  return {
    facts: () => facts,
    section,
    /** A ballot of this page is leaf `leafIndex` on the chain. */
    onLedger: (leafIndex: number) => {
      wanted = Math.max(wanted, leafIndex + 1);
      // The vote changed what this resident may see too (results shown once they have voted).
      draw();
      if (!catchingUp && poll.ballots < wanted) void catchUp();
    },
    stop: () => {
      stopped = true;
      if (timer) clearInterval(timer);
    },
  };
}

/** What the resident can do in this poll now, under "Your ballot". */
function ballotArea(
  { mine, poll, me, current }: Loaded,
  residentId: string,
  onLedger: (leafIndex: number) => void,
): Node[] {
  // A secret ballot is not the API's to know: this device keeps it.
  if ((poll as SecretPoll).secret) return [secretBallotSection(poll, me, residentId, onLedger)];
  if (!mine)
    return [notice("info", t("vote.notEligible", { district: formatNumber(me.district) }), " ", scopeText(poll))];
  const myBallot = mine.myBallot;
  const voted = myBallot !== null && myBallot.status !== "failed";
  const parts: Node[] = [];
  if (voted && current) {
    parts.push(
      el(
        "p",
        { "data-testid": "my-vote" },
        t("vote.yourVote"),
        " ",
        el("a", { href: `/me/ballots/${current.ballotId}` }, t("vote.viewReceipt")),
      ),
      choicesList(poll, current.choices),
    );
  }
  if (poll.state === "Pending") return [...parts, notice("info", t("vote.opensAt", { date: formatDate(poll.start) }))];
  if (poll.state === "Cancelled") return [...parts, notice("info", t("vote.cancelled"))];
  if (myBallot?.status === "failed") {
    parts.push(notice("error", t("ballot.failed", { reason: failureReason(myBallot.errorCode) })));
  }
  if (poll.state !== "Active") return voted ? parts : [notice("info", t("vote.didNotVote"))];
  // The API knows what the chain counted and what is still on its way: it says what may come next.
  const next = mine.nextRevision;
  if (next === null) return [...parts, notice("info", t("vote.noRevote"))];
  const enrolled = me.voterKey?.status === "active" ? me.voterKey.address : null;
  const stored = loadStoredKey(residentId, enrolled);
  if (!enrolled || !stored || stored.address.toLowerCase() !== enrolled.toLowerCase()) {
    return [...parts, notice("info", t("vote.needKey"), " ", el("a", { href: "/me/key" }, t("key.title")))];
  }
  const chosen = voted && current ? decodeSafely(poll, current.choices) : [];
  parts.push(voteForm({ poll, residentId, enrolled, revision: next, current: chosen, changing: voted }));
  return parts;
}

export async function votePage(main: HTMLElement, params: Record<string, string>): Promise<Cleanup | void> {
  const s = requireSession(main);
  if (!s) return;
  const pollId = Number(params.pollId);
  const status = loading();
  main.append(status);
  let loaded: Loaded;
  try {
    loaded = await load(pollId);
  } catch (error) {
    status.replaceWith(errorNotice(error));
    return;
  }
  status.remove();
  const { poll, mine } = loaded;
  const voted = Boolean(mine?.myBallot && mine.myBallot.status !== "failed");
  // In a secret poll only this device knows whether the resident has voted.
  const votedByMe = (poll as SecretPoll).secret
    ? () => latestSecretVote(s.residentId, pollId) !== null
    : () => (mine ? voted : null);
  const live = liveResults(poll, votedByMe);
  main.append(
    heading(pollTitle(poll)),
    el("p", { class: "meta" }, stateBadge(poll.state), " ", scheduleText(poll)),
    el("p", { class: "description" }, localized(poll.content?.description, "")),
    live.facts(),
    pointsLine(poll, voted),
    outcomeSection(poll) ?? "",
    el(
      "section",
      { "aria-labelledby": "h-ballot" },
      el("h2", { id: "h-ballot" }, t("vote.yourBallot")),
      ...ballotArea(loaded, s.residentId, live.onLedger),
    ),
    live.section,
  );
  return live.stop;
}
