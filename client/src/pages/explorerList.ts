/**
 * Public explorer: every poll, grouped by state, each card with its turnout, who may vote and time
 * left; filtered by title, state and (signed in) the resident's own district. The filters live in the
 * address, so a reload or a shared link keeps them.
 */
import { api, session } from "../api";
import { el, mount } from "../dom";
import { t } from "../i18n";
import type { MessageKey } from "../messages/en";
import type { Me, PollState, PollSummary } from "../types";
import { scopeText, turnoutText } from "../components/pollText";
import { errorNotice, field, heading, loading, pollTitle, scheduleText, stateBadge } from "../components/ui";

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
    el("p", { class: "card-scope" }, scopeText(poll)),
    el("p", { class: "card-turnout", "data-testid": "card-turnout" }, turnoutText(poll, true)),
    extra ?? null,
  );
}

interface Filters {
  q: string;
  state: PollState | "";
  mine: boolean;
}

function readFilters(): Filters {
  const params = new URLSearchParams(location.search);
  const state = params.get("state") ?? "";
  return {
    q: params.get("q") ?? "",
    state: GROUPS.some((g) => g.states.includes(state as PollState)) ? (state as PollState) : "",
    mine: params.get("mine") === "1",
  };
}

function writeFilters(f: Filters): void {
  const params = new URLSearchParams();
  if (f.q) params.set("q", f.q);
  if (f.state) params.set("state", f.state);
  if (f.mine) params.set("mine", "1");
  const query = params.toString();
  history.replaceState(null, "", query ? `/?${query}` : "/");
}

function matches(poll: PollSummary, f: Filters, district: number | null): boolean {
  if (f.state && poll.state !== f.state) return false;
  if (f.mine && district !== null && !poll.cityWide && !poll.districts.includes(district)) return false;
  const query = f.q.trim().toLocaleLowerCase();
  if (!query) return true;
  const titles = [poll.content?.title.en, poll.content?.title.ru, pollTitle(poll)];
  return titles.some((title) => title?.toLocaleLowerCase().includes(query));
}

function filterForm(f: Filters, signedIn: boolean, onChange: () => void): HTMLElement {
  const search = el("input", { type: "search", name: "q", value: f.q, autocomplete: "off" });
  const state = el(
    "select",
    { name: "state" },
    el("option", { value: "", selected: f.state === "" }, t("filter.allStates")),
    ...GROUPS.map((g) => el("option", { value: g.states[0] ?? "", selected: f.state === g.states[0] }, t(g.key))),
  );
  const mine = el("input", { type: "checkbox", id: "filter-mine", name: "mine", checked: f.mine, disabled: !signedIn });
  const update = () => {
    f.q = search.value;
    f.state = (state.value as PollState | "") || "";
    f.mine = mine.checked;
    writeFilters(f);
    onChange();
  };
  search.addEventListener("input", update);
  state.addEventListener("change", update);
  mine.addEventListener("change", update);
  return el(
    "form",
    { role: "search", class: "filters", "aria-label": t("filter.label"), onsubmit: (e: Event) => e.preventDefault() },
    field(t("filter.search"), search),
    field(t("filter.state"), state),
    el(
      "div",
      { class: "check" },
      mine,
      el("label", { for: "filter-mine" }, t("filter.mine")),
      signedIn ? null : el("span", { class: "hint" }, t("filter.mineSignIn")),
    ),
  );
}

export async function explorerListPage(main: HTMLElement): Promise<void> {
  main.append(heading(t("explorer.title")), el("p", { class: "lead" }, t("explorer.intro")));
  const status = loading();
  main.append(status);
  try {
    const signedIn = session() !== null;
    const [{ polls }, me] = await Promise.all([
      api<{ polls: PollSummary[] }>("GET", "/api/polls"),
      signedIn ? api<Me>("GET", "/api/me").catch(() => null) : Promise.resolve(null),
    ]);
    status.remove();
    if (polls.length === 0) return void main.append(el("p", {}, t("explorer.none")));
    const filters = readFilters();
    const results = el("div", { "aria-live": "polite" });
    const draw = () => {
      const shown = polls.filter((p) => matches(p, filters, me?.district ?? null));
      const groups = GROUPS.map((group) => {
        const list = shown.filter((p) => group.states.includes(p.state));
        if (list.length === 0) return null;
        const id = `group-${group.states[0] ?? ""}`;
        return el(
          "section",
          { "aria-labelledby": id },
          el("h2", { id }, t(group.key)),
          el("ul", { class: "cards" }, ...list.map((p) => pollCard(p, `/polls/${p.pollId}`))),
        );
      });
      mount(results, shown.length === 0 ? el("p", {}, t("filter.none")) : "", ...groups);
    };
    main.append(filterForm(filters, me !== null, draw), results);
    draw();
  } catch (error) {
    status.replaceWith(errorNotice(error));
  }
}
