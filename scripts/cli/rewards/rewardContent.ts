/**
 * A reward's text travels on-chain like a poll's: its uri is a data: URI holding JSON
 * `{ "title": { "en", "ru" }, "description"?: { "en", "ru" } }`.
 */
import { decodeBase64, encodeBase64, toUtf8Bytes, toUtf8String } from "ethers";
import type { LocalizedText } from "../../../contracts/protocol";

export interface RewardContent {
  title: LocalizedText;
  description?: LocalizedText;
}

const DATA_PREFIX = "data:application/json;base64,";

export function encodeRewardContent(content: RewardContent): string {
  return DATA_PREFIX + encodeBase64(toUtf8Bytes(JSON.stringify(content)));
}

/** The reward's text, or null when its uri holds none (a plain link, say). */
export function decodeRewardContent(uri: string): RewardContent | null {
  if (!uri.startsWith(DATA_PREFIX)) return null;
  try {
    const parsed = JSON.parse(toUtf8String(decodeBase64(uri.slice(DATA_PREFIX.length)))) as Partial<RewardContent>;
    const title = parsed.title;
    return title && typeof title.en === "string" && typeof title.ru === "string" ? (parsed as RewardContent) : null;
  } catch {
    return null;
  }
}
