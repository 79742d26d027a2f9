/**
 * What the city decided after a poll, published on-chain by staff (`publishOutcome`): a data: URI
 * holding JSON `{ "text": { "en", "ru" } }`, with outcomeHash = keccak256 of the JSON's UTF-8 bytes.
 */
import { decodeBase64, encodeBase64, keccak256, toUtf8Bytes, toUtf8String } from "ethers";
import { LANGUAGES } from "./pollContent";
import type { LocalizedText } from "./pollContent";

export interface PollOutcome {
  text: LocalizedText;
}

const DATA_PREFIX = "data:application/json;base64,";

export function encodePollOutcome(outcome: PollOutcome): { uri: string; outcomeHash: string } {
  const bytes = toUtf8Bytes(JSON.stringify(outcome));
  return { uri: DATA_PREFIX + encodeBase64(bytes), outcomeHash: keccak256(bytes) };
}

/** The outcome if the URI holds text whose hash matches; null otherwise. */
export function decodePollOutcome(uri: string, outcomeHash: string): PollOutcome | null {
  if (!uri.startsWith(DATA_PREFIX)) return null;
  try {
    const bytes = decodeBase64(uri.slice(DATA_PREFIX.length));
    if (keccak256(bytes).toLowerCase() !== outcomeHash.toLowerCase()) return null;
    const parsed = JSON.parse(toUtf8String(bytes)) as { text?: Record<string, unknown> } | null;
    const text = parsed?.text;
    if (!text || !LANGUAGES.every((l) => typeof text[l] === "string")) return null;
    return { text: text as LocalizedText };
  } catch {
    return null;
  }
}
