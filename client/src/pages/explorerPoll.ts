/**
 * Public poll page: text, who may vote and who did, who sees what, the outcome, results (as the
 * poll's state and setting allow) in total and by area with the poll's rule, ballots over time, the recount, the ballot list, and the
 * technical details observers check.
 */
import { api } from "../api";
import { el, mount } from "../dom";
import { t } from "../i18n";
import type { Cleanup } from "../router";
import type { PollDetail, Timeline } from "../types";
import { areaResults } from "../components/areaResults";
import { ballotList } from "../components/ballotList";
import { countsView, resultsView } from "../components/results";
import { outcomeSection, pollFacts, resultsHeading, resultsShown } from "../components/pollText";
import { recountPanel } from "../components/recountPanel";
import { secretRecountPanel } from "../components/secretRecountPanel";
import type { SecretPoll } from "../components/secretBallotSection";
import { timelineChart } from "../components/timeline";
import {
  errorNotice,
  heading,
  loading,
  localized,
  pollTitle,
  scheduleText,
  shortHex,
  stateBadge,
} from "../components/ui";

const REFRESH_MS = 5000;

function section(id: string, title: string, ...body: Node[]): HTMLElement {
  return el("section", { "aria-labelledby": id }, el("h2", { id }, title), ...body);
}

function technicalDetails(poll: PollDetail): HTMLElement {
  const row = (label: string, value: Node | string) => [el("dt", {}, label), el("dd", {}, value)];
  return el(
    "details",
    { class: "tech" },
    el("summary", {}, t("tech.details")),
    el(
      "dl",
      { class: "facts" },
      ...(poll.ballots > 0 ? row(t("tech.ballotRoot"), shortHex(poll.ballotRoot)) : []),
      ...(poll.finalRoot ? row(t("tech.finalRoot"), shortHex(poll.finalRoot)) : []),
      ...row(t("tech.contentHash"), shortHex(poll.contentHash)),
    ),
  );
}

export async function explorerPollPage(main: HTMLElement, params: Record<string, string>): Promise<Cleanup | void> {
  const pollId = Number(params.pollId);
  const status = loading();
  main.append(status);
  let poll: PollDetail;
  try {
    poll = await api<PollDetail>("GET", `/api/polls/${pollId}`);
  } catch (error) {
    status.replaceWith(heading(t("poll.untitled", { id: params.pollId ?? "" })), errorNotice(error));
    return;
  }
  status.remove();

  const shown = resultsShown(poll, null);
  const live = el("div", { "aria-live": "off" });
  const timeline = el("div");
  const drawLive = (p: PollDetail) =>
    mount(live, countsView(p), resultsView(p, shown), shown.shown && p.ballots > 0 ? areaResults(p) : null);
  const loadTimeline = async () => {
    try {
      const { buckets } = await api<Timeline>("GET", `/api/polls/${pollId}/timeline`);
      const end = Math.min(Date.now(), Date.parse(poll.end));
      mount(timeline, timelineChart(buckets, Date.parse(poll.start), end));
    } catch (error) {
      mount(timeline, errorNotice(error));
    }
  };

  main.append(
    heading(pollTitle(poll)),
    el("p", { class: "meta" }, stateBadge(poll.state), " ", scheduleText(poll)),
    el("p", { class: "description" }, localized(poll.content?.description, "")),
    poll.content ? "" : el("p", { class: "notice notice-error" }, t("poll.textMissing")),
    pollFacts(poll),
    outcomeSection(poll) ?? "",
    section("h-results", resultsHeading(poll, shown), live),
  );
  if (poll.state !== "Pending") {
    main.append(
      section("h-timeline", t("timeline.title"), timeline),
      section(
        "h-recount",
        t("recount.title"),
        (poll as SecretPoll).secret ? secretRecountPanel(poll, shown.shown) : recountPanel(poll, shown.shown),
      ),
      section("h-ballots", t("ledger.title"), ballotList(poll, shown.shown)),
    );
    void loadTimeline();
  }
  main.append(technicalDetails(poll));
  drawLive(poll);

  if (poll.state !== "Active") return;
  const timer = setInterval(() => {
    void api<PollDetail>("GET", `/api/polls/${pollId}`)
      .then((next) => {
        drawLive(next);
        return loadTimeline();
      })
      .catch(() => undefined);
  }, REFRESH_MS);
  return () => clearInterval(timer);
}
