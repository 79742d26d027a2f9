/** Public explorer: every poll, grouped as active, closed and finalized. */
import { api } from "../api";
import { el } from "../dom";
import { t } from "../i18n";
import type { MessageKey } from "../messages/en";
import type { PollState, PollSummary } from "../types";
import { errorNotice, heading, loading, pollTitle, scheduleText, stateBadge } from "../components/ui";

const GROUPS: { key: MessageKey; states: PollState[] }[] = [
  { key: "explorer.active", states: ["Active"] },
  { key: "explorer.upcoming", states: ["Pending"] },
  { key: "explorer.closed", states: ["Closed"] },
  { key: "explorer.finalized", states: ["Finalized"] },
  { key: "explorer.cancelled", states: ["Cancelled"] },
];

export function pollCard(poll: PollSummary, href: string, extra?: Node): HTMLElement {
  return el(
    "li",
    { class: "card" },
    el("h3", {}, el("a", { href }, pollTitle(poll))),
    el("p", { class: "meta" }, stateBadge(poll.state), " ", scheduleText(poll)),
    extra ?? null,
  );
}

export async function explorerListPage(main: HTMLElement): Promise<void> {
  main.append(heading(t("explorer.title")), el("p", { class: "lead" }, t("explorer.intro")));
  const status = loading();
  main.append(status);
  try {
    const { polls } = await api<{ polls: PollSummary[] }>("GET", "/api/polls");
    status.remove();
    if (polls.length === 0) main.append(el("p", {}, t("explorer.none")));
    for (const group of GROUPS) {
      const list = polls.filter((p) => group.states.includes(p.state));
      if (list.length === 0) continue;
      main.append(
        el(
          "section",
          { "aria-labelledby": `group-${group.states[0] ?? ""}` },
          el("h2", { id: `group-${group.states[0] ?? ""}` }, t(group.key)),
          el("ul", { class: "cards" }, ...list.map((p) => pollCard(p, `/polls/${p.pollId}`))),
        ),
      );
    }
  } catch (error) {
    status.replaceWith(errorNotice(error));
  }
}
