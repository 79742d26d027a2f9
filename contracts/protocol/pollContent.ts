/**
 * A poll's text travels on-chain: the poll's URI is a data: URI holding this JSON, and its
 * contentHash is keccak256 of the JSON's UTF-8 bytes. Observers read the text from the chain alone.
 */
import { keccak256, toUtf8Bytes, toUtf8String, decodeBase64, encodeBase64 } from "ethers";
import { isDecisionRule } from "./decisionRule";
import type { DecisionRule } from "./decisionRule";

export const LANGUAGES = ["en", "ru"] as const;
export type Language = (typeof LANGUAGES)[number];
export type LocalizedText = Record<Language, string>;

/**
 * When the site shows a poll's tallies: as they come in, to a resident once they voted, or only once
 * the poll is closed. The tallies stay public on the ledger either way; this governs the site only.
 */
export const RESULTS_VISIBILITY = ["live", "afterVote", "afterClose"] as const;
export type ResultsVisibility = (typeof RESULTS_VISIBILITY)[number];

export interface PollContent {
  title: LocalizedText;
  description: LocalizedText;
  questions: { text: LocalizedText; options: LocalizedText[] }[];
  /** Absent means "live". */
  results?: ResultsVisibility;
  /** What a secret poll's census areas are (its census is built by this kind); absent means "district". */
  areas?: "district" | "building";
  /** How the poll decides per area, if it has a rule (decisionRule.ts). */
  rule?: DecisionRule;
}

const DATA_PREFIX = "data:application/json;base64,";

export function encodePollContent(content: PollContent): { uri: string; contentHash: string } {
  const json = JSON.stringify(content);
  const bytes = toUtf8Bytes(json);
  return { uri: DATA_PREFIX + encodeBase64(bytes), contentHash: keccak256(bytes) };
}

/** When the site shows the poll's tallies (see ResultsVisibility). */
export function resultsVisibility(content: PollContent | null): ResultsVisibility {
  return content?.results ?? "live";
}

/** The poll's text if the URI holds text whose hash matches; null otherwise. */
export function decodePollContent(uri: string, contentHash: string): PollContent | null {
  if (!uri.startsWith(DATA_PREFIX)) return null;
  try {
    const bytes = decodeBase64(uri.slice(DATA_PREFIX.length));
    if (keccak256(bytes).toLowerCase() !== contentHash.toLowerCase()) return null;
    const parsed = JSON.parse(toUtf8String(bytes)) as unknown;
    return isPollContent(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isText(v: unknown): v is LocalizedText {
  return (
    typeof v === "object" && v !== null && LANGUAGES.every((l) => typeof (v as Record<string, unknown>)[l] === "string")
  );
}

function isPollContent(v: unknown): v is PollContent {
  const c = v as Partial<PollContent>;
  return (
    typeof c === "object" &&
    c !== null &&
    isText(c.title) &&
    isText(c.description) &&
    Array.isArray(c.questions) &&
    c.questions.every((q) => isText(q?.text) && Array.isArray(q?.options) && q.options.every(isText)) &&
    (c.results === undefined || RESULTS_VISIBILITY.includes(c.results)) &&
    (c.areas === undefined || c.areas === "district" || c.areas === "building") &&
    (c.rule === undefined || isDecisionRule(c.rule))
  );
}
