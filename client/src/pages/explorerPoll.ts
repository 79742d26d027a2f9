/** Public poll page: text, live tallies, ballots over time, the ballot list and the recount. */
import { api } from "../api";
import { el, mount } from "../dom";
import { formatNumber, t } from "../i18n";
import type { Cleanup } from "../router";
import type { PollDetail } from "../types";
import { ballotList } from "../components/ballotList";
import { timelineChart } from "../components/charts";
import type { TimelineBucket } from "../components/charts";
import { recountPanel } from "../components/recountPanel";
import { talliesView } from "../components/tallies";
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

  const live = el("div", { "aria-live": "off" });
  const timeline = el("div");
  const drawLive = (p: PollDetail) =>
    mount(
      live,
      el(
        "dl",
        { class: "facts" },
        el("dt", {}, t("explorer.ballots")),
        el("dd", { "data-testid": "ballot-count" }, formatNumber(p.ballots)),
        el("dt", {}, t("explorer.root")),
        el("dd", {}, shortHex(p.ballotRoot)),
      ),
      talliesView(p),
    );
  const loadTimeline = async () => {
    try {
      const { buckets } = await api<{ buckets: TimelineBucket[] }>("GET", `/api/polls/${pollId}/timeline`);
      mount(timeline, timelineChart(buckets));
    } catch (error) {
      mount(timeline, errorNotice(error));
    }
  };

  main.append(
    heading(pollTitle(poll)),
    el("p", { class: "meta" }, stateBadge(poll.state), " ", scheduleText(poll)),
    el("p", { class: "description" }, localized(poll.content?.description, "")),
    el("section", { "aria-labelledby": "h-results" }, el("h2", { id: "h-results" }, t("explorer.results")), live),
    el(
      "section",
      { "aria-labelledby": "h-timeline" },
      el("h2", { id: "h-timeline" }, t("explorer.timeline")),
      timeline,
    ),
    el(
      "section",
      { "aria-labelledby": "h-recount" },
      el("h2", { id: "h-recount" }, t("recount.title")),
      recountPanel(pollId),
    ),
    el(
      "section",
      { "aria-labelledby": "h-ballots" },
      el("h2", { id: "h-ballots" }, t("explorer.ballotList")),
      ballotList(poll),
    ),
  );
  if (!poll.content)
    main.querySelector(".description")?.after(el("p", { class: "notice notice-error" }, t("poll.textMissing")));
  drawLive(poll);
  void loadTimeline();

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
