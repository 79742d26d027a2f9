/**
 * Guarding anvil's state file. anvil rewrites `--state` in place (truncate, then write), so a kill
 * during a write leaves a cut-off file that anvil refuses to load. We keep a last good copy beside it,
 * taken only from a read that saw one complete, unchanging file, and restore it before a start.
 *
 * "Complete" is checked by streaming the bytes through a bracket and string matcher rather than by
 * JSON.parse: a state file grows ~3 KB per transaction and passes V8's ~512 MB string limit long before
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
    for (const byte of chunk) {
      if (this.broken) return;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (isWhitespace(byte)) {
        continue;
      } else if (this.closed || (!this.started && byte !== OPEN_BRACE)) {
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

/**
 * Copies `source` to `target` if the read saw one complete file that did not change while it was
 * read; the copy appears atomically (temporary file, fsync, rename). Returns whether it copied.
 */
export async function copyIfComplete(source: string, target: string): Promise<boolean> {
  let before: fs.Stats;
  try {
    before = await fs.promises.stat(source);
  } catch {
    return false;
  }
  const temporary = `${target}.${process.pid}.tmp`;
  const check = new JsonCompletenessCheck();
  let bytes = 0;
  let good = false;
  const out = await fs.promises.open(temporary, "w", 0o600);
  try {
    for await (const chunk of fs.createReadStream(source, { highWaterMark: 1 << 20 })) {
      const buffer = chunk as Buffer;
      check.push(buffer);
      bytes += buffer.length;
      await out.write(buffer);
    }
    const after = await fs.promises.stat(source);
    good = after.mtimeMs === before.mtimeMs && after.size === before.size && bytes === after.size && check.complete();
    if (good) await out.sync();
  } catch {
    good = false;
  } finally {
    await out.close();
  }
  if (good) await fs.promises.rename(temporary, target);
  else await fs.promises.rm(temporary, { force: true });
  return good;
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
