/**
 * Guarding anvil's state file before a start. Dumps are written atomically (stateDumps.ts), the
 * previous one kept as the last good copy; a state file damaged all the same (a disk fault, a file cut
 * off by hand or by an older version that let anvil write it in place) is set aside and the last good
 * copy restored.
 *
 * "Complete" is checked by streaming the bytes through a bracket and string matcher rather than by
 * JSON.parse: a state file grows 4-6 KB per transaction and passes V8's ~512 MB string limit long before
 * a big poll ends, and a stream check holds neither the event loop nor the memory. A cut-off write is
 * a prefix of the JSON document, and no proper prefix of a JSON object closes its outer brace.
 */
import fs from "node:fs";
import path from "node:path";

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Feeds bytes in order; `complete()` says whether they formed exactly one closed JSON object. */
export class JsonCompletenessCheck {
  private readonly open: number[] = [];
  private started = false;
  private closed = false;
  private inString = false;
  private escaped = false;
  private broken = false;

  push(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const length = bytes.length;
    // Strings (the hex that fills a state file) are skipped with indexOf rather than byte by byte.
    let nextBackslash = bytes.indexOf(BACKSLASH);
    let i = 0;
    while (i < length && !this.broken) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = bytes.indexOf(BACKSLASH, i);
        const quote = bytes.indexOf(QUOTE, i);
        if (nextBackslash !== -1 && (quote === -1 || nextBackslash < quote)) {
          this.escaped = true;
          i = nextBackslash + 1;
        } else if (quote === -1) {
          return;
        } else {
          this.inString = false;
          i = quote + 1;
        }
        continue;
      }
      const byte = bytes[i++] as number;
      if (isWhitespace(byte)) continue;
      if (this.closed || (!this.started && byte !== OPEN_BRACE)) {
        this.broken = true;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.started = true;
        this.open.push(byte === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (this.open.pop() !== byte) this.broken = true;
        else if (this.open.length === 0) this.closed = true;
      }
    }
  }

  complete(): boolean {
    return !this.broken && this.closed;
  }
}

export async function isCompleteJsonFile(file: string): Promise<boolean> {
  const check = new JsonCompletenessCheck();
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) check.push(chunk as Buffer);
  } catch {
    return false;
  }
  return check.complete();
}

export type StateFileOutcome = "new" | "intact" | "restored";

/**
 * Makes `stateFile` loadable before anvil starts: an intact file is kept; a missing or cut-off one
 * is replaced by the last good copy. A cut-off file with no good copy is an error, not a fresh
 * chain: starting empty would silently drop every ballot. The cut-off file is kept for inspection.
 */
export async function prepareStateFile(
  stateFile: string,
  lastGoodFile: string,
  log: (message: string) => void,
): Promise<StateFileOutcome | { corrupt: string }> {
  const exists = fs.existsSync(stateFile);
  if (exists && (await isCompleteJsonFile(stateFile))) return "intact";
  const haveCopy = fs.existsSync(lastGoodFile) && (await isCompleteJsonFile(lastGoodFile));
  if (!exists && !haveCopy) return "new";
  if (!haveCopy) return { corrupt: stateFile };
  if (exists) {
    const aside = path.join(path.dirname(stateFile), `state.cut-off-${Date.now()}.json`);
    await fs.promises.rename(stateFile, aside);
    log(`state file ${stateFile} is cut off (a stop during a write); kept it as ${aside}`);
  }
  const temporary = `${stateFile}.${process.pid}.tmp`;
  await fs.promises.copyFile(lastGoodFile, temporary);
  await fs.promises.rename(temporary, stateFile);
  log(`restored the chain state from the last good copy ${lastGoodFile}`);
  return "restored";
}
