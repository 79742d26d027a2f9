/** Small building blocks shared by the pages: headings, notices, poll texts and state badges. */
import type { PollContent } from "../../../contracts/protocol/pollContent";
import { ApiError } from "../api";
import { el } from "../dom";
import type { Child } from "../dom";
import { VaultError } from "../keys/vault";
import { formatDate, formatRelative, lang, t } from "../i18n";
import type { MessageKey } from "../messages/en";
import type { PollState, PollSummary } from "../types";

export function heading(text: string): HTMLHeadingElement {
  return el("h1", {}, text);
}

/** A live region: polite for progress and results, assertive for errors. */
export function notice(kind: "info" | "success" | "error", ...text: Child[]): HTMLElement {
  return el("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...text);
}

/** A message for an error from the API, the chain or the browser, by its stable code where there is one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `error.${error.code}` as MessageKey;
    const known = t(key);
    return known === key ? t("error.generic", { code: error.code, message: error.message }) : known;
  }
  if (error instanceof VaultError) return t(`error.${error.code}`);
  return t("error.generic", { code: "CLIENT", message: error instanceof Error ? error.message : String(error) });
}

export function errorNotice(error: unknown): HTMLElement {
  return notice("error", errorText(error));
}

/** The poll's title in the chosen language, or a neutral name when its text is missing or altered. */
export function pollTitle(poll: Pick<PollSummary, "pollId" | "content">): string {
  const text = poll.content?.title[lang()];
  return text && text.trim() !== "" ? text : t("poll.untitled", { id: poll.pollId });
}

export function localized(text: PollContent["title"] | undefined, fallback: string): string {
  const value = text?.[lang()];
  return value && value.trim() !== "" ? value : fallback;
}

const STATE_KEYS: Record<PollState, MessageKey> = {
  Pending: "state.Pending",
  Active: "state.Active",
  Closed: "state.Closed",
  Cancelled: "state.Cancelled",
  Finalized: "state.Finalized",
};

export function stateBadge(state: PollState): HTMLElement {
  return el("span", { class: `badge badge-${state.toLowerCase()}` }, t(STATE_KEYS[state]));
}

/** "Open until …, ends in 3 hours" / "Closed on …". */
export function scheduleText(poll: Pick<PollSummary, "state" | "start" | "end">): string {
  if (poll.state === "Pending")
    return t("poll.startsAt", { date: formatDate(poll.start), left: formatRelative(poll.start) });
  if (poll.state === "Active") return t("poll.endsAt", { date: formatDate(poll.end), left: formatRelative(poll.end) });
  return t("poll.endedAt", { date: formatDate(poll.end) });
}

/** 0x1234…abcd, with the full value for assistive technology and hover. */
export function shortHex(value: string, keep = 6): HTMLElement {
  const short = value.length > keep * 2 + 2 ? `${value.slice(0, keep + 2)}…${value.slice(-keep)}` : value;
  return el("code", { title: value, "aria-label": value, class: "hex" }, short);
}

export function loading(): HTMLElement {
  return el("p", { class: "muted", role: "status" }, t("common.loading"));
}

/** A labelled form field; returns the wrapper and the control. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  hint?: string,
): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintEl = hint ? el("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return el("div", { class: "field" }, el("label", { for: id }, label), control, hintEl);
}
