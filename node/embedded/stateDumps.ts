/**
 * anvil's state, saved by us rather than by anvil: every few seconds the launcher asks for a dump
 * (`anvil_dumpState`) and writes it beside the last one, atomically (a new file, fsync, then renames:
 * the previous dump becomes the last good copy). anvil's own periodic dumps (`--state-interval`)
 * were measured to grow its memory ~6 KB per transaction for as long as it runs, and rewrite the file
 * in place, so a kill mid-write cut it off; neither happens here. A SIGKILL costs the blocks since the
 * last dump, which the API's outbox sends again.
 */
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { RpcClient } from "../../contracts/protocol/node/rpc";

const gunzip = promisify(zlib.gunzip);

/** Writes `data` to `file` so that a crash leaves either the old file or the new one, never a part. */
export async function replaceAtomically(file: string, data: Buffer, previous: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await fs.promises.open(temporary, "w", 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (fs.existsSync(file)) await fs.promises.rename(file, previous);
  await fs.promises.rename(temporary, file);
  const dir = await fs.promises.open(path.dirname(file), "r");
  await dir.sync().finally(() => dir.close());
}

export class StateDumper {
  private timer: NodeJS.Timeout | null = null;
  private dumping: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly node: RpcClient,
    private readonly stateFile: string,
    private readonly lastGoodFile: string,
    private readonly intervalMs: number,
    private readonly log: (message: string) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops the periodic dumps, after the one under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.dumping;
  }

  /** Saves the state now (after any dump under way). */
  dump(): Promise<void> {
    this.dumping = this.dumping.catch(() => undefined).then(() => this.dumpOnce());
    return this.dumping;
  }

  private schedule(): void {
    // The next dump is timed from the end of the last: a big state under load backs off by itself.
    this.timer = setTimeout(() => {
      void this.dump()
        .catch((err: unknown) => this.log(`state dump failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.intervalMs);
  }

  private async dumpOnce(): Promise<void> {
    const gzipped = await this.node.call<string>("anvil_dumpState", []);
    const json = await gunzip(Buffer.from(gzipped.slice(2), "hex"));
    await replaceAtomically(this.stateFile, json, this.lastGoodFile);
  }
}
