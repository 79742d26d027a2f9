/**
 * English and Russian texts, the chosen language (remembered in localStorage), and Intl formatting
 * of dates, numbers and time left in that language.
 */
import { en } from "./messages/en";
import type { MessageKey } from "./messages/en";
import { ru } from "./messages/ru";

export type Lang = "en" | "ru";
export const LANGS: readonly Lang[] = ["en", "ru"];
const STORAGE_KEY = "veche.lang";
const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, ru };

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "ru") return saved;
  return navigator.language.toLowerCase().startsWith("ru") ? "ru" : "en";
}

let current: Lang = initialLang();
const listeners = new Set<() => void>();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): void {
  listeners.add(listener);
}

/** Plural forms in the order a `{n|…|…}` placeholder lists them, per language. */
const PLURAL_FORMS: Record<Lang, Intl.LDMLPluralRule[][]> = {
  en: [["one"], ["zero", "two", "few", "many", "other"]],
  ru: [["one"], ["few"], ["zero", "two", "many", "other"]],
};

/** `{n|point|points}` (Russian: `{n|балл|балла|баллов}`): the form that agrees with the number `n`. */
function pluralForm(name: string, forms: string, params: Record<string, string | number>): string {
  const value = Number(String(params[name] ?? "").replace(/[^\d.-]/g, ""));
  const category = new Intl.PluralRules(current).select(value);
  const options = forms.split("|");
  const index = PLURAL_FORMS[current].findIndex((group) => group.includes(category));
  return options[Math.max(0, index)] ?? options[options.length - 1] ?? "";
}

/**
 * The text for `key`, with `{name}` placeholders filled from `params` and `{name|one|other}` plural
 * forms agreeing with the number in `params[name]`.
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = (dictionaries[current] as Partial<Record<string, string>>)[key] ?? key;
  return text
    .replace(/\{(\w+)\|([^}]*)\}/g, (_, name: string, forms: string) => pluralForm(name, forms, params))
    .replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** Why a ballot did not count, in words, from the API's stable error code. */
export function failureReason(code: string | null): string {
  const key = `failure.${code ?? ""}`;
  return key in en ? t(key as MessageKey) : t("failure.other", { code: code ?? "?" });
}

export function formatNumber(value: number | bigint): string {
  return new Intl.NumberFormat(current).format(value);
}

export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(current, { style: "percent", maximumFractionDigits: 1 }).format(fraction);
}

export function formatDate(iso: string | number | Date): string {
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function formatTime(value: string | number | Date): string {
  return new Intl.DateTimeFormat(current, { timeStyle: "short" }).format(new Date(value));
}

/** "in 3 hours" / "через 3 часа"; negative spans read as the past. */
export function formatRelative(target: string | Date, now = Date.now()): string {
  const seconds = Math.round((new Date(target).getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  const format = new Intl.RelativeTimeFormat(current, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(seconds, "second");
}

document.documentElement.lang = current;
