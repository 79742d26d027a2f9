/**
 * A reward's text travels on-chain like a poll's: its uri is a data: URI holding JSON
 * `{ "title": { "en", "ru" }, "description"?: { "en", "ru" }, "image"?: "https://…" }`.
 */
import { decodeBase64, encodeBase64, toUtf8Bytes, toUtf8String } from "ethers";
import { LANGUAGES } from "./pollContent";
import type { LocalizedText } from "./pollContent";

export interface RewardContent {
  title: LocalizedText;
  description?: LocalizedText;
  /** A picture of the reward: an https: URL or a data:image/… URI. */
  image?: string;
}

const DATA_PREFIX = "data:application/json;base64,";

export function encodeRewardContent(content: RewardContent): string {
  return DATA_PREFIX + encodeBase64(toUtf8Bytes(JSON.stringify(content)));
}

function isText(v: unknown): v is LocalizedText {
  return (
    typeof v === "object" && v !== null && LANGUAGES.every((l) => typeof (v as Record<string, unknown>)[l] === "string")
  );
}

export function isRewardImage(v: unknown): v is string {
  return typeof v === "string" && /^(https:\/\/\S+|data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+)$/.test(v);
}

/** The reward's text, or null when its uri holds none (a plain link, say); malformed extras are dropped. */
export function decodeRewardContent(uri: string): RewardContent | null {
  if (!uri.startsWith(DATA_PREFIX)) return null;
  try {
    const parsed = JSON.parse(toUtf8String(decodeBase64(uri.slice(DATA_PREFIX.length)))) as Record<string, unknown>;
    if (!isText(parsed.title)) return null;
    return {
      title: parsed.title,
      ...(isText(parsed.description) ? { description: parsed.description } : {}),
      ...(isRewardImage(parsed.image) ? { image: parsed.image } : {}),
    };
  } catch {
    return null;
  }
}
