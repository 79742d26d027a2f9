/**
 * anvil's state, saved by us rather than by anvil: every few seconds the launcher asks for a dump
 * (`anvil_dumpState`) and writes it beside the last one, atomically (a new file, fsync, then renames:
 * the previous dump becomes the last good copy). anvil's own periodic dumps (`--state-interval`)
 * were measured to grow its memory ~6 KB per transaction for as long as it runs, and rewrite the file
 * in place, so a kill mid-write cut it off; neither happens here. A SIGKILL costs the blocks since the
 * last dump, which the API's outbox sends again. While no transaction is mined the state holds
 * still, so the dump waits: a city's state is tens of megabytes to serialise and compress, and an idle
 * node dumping it every few seconds kept most of a core busy.
 */
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { NodeRpcClient } from "../../contracts/protocol/node/rpc";

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

/** When the state holds still: a count that moves with every transaction, and how long a dump may wait. */
export interface DumpActivity {
  count: () => number;
  /** Empty blocks still move the head; a crash replays those since the last dump, so keep them few. */
  idleMs: number;
}

export class StateDumper {
  private timer: NodeJS.Timeout | null = null;
  private dumping: Promise<void> = Promise.resolve();
  private stopped = false;
  private dumpedAt = { count: Number.NaN, time: 0 };

  constructor(
    private readonly node: NodeRpcClient,
    private readonly stateFile: string,
    private readonly lastGoodFile: string,
    private readonly intervalMs: number,
    private readonly log: (message: string) => void,
    private readonly activity: DumpActivity | null = null,
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
      if (this.idle()) return this.schedule();
      void this.dump()
        .catch((err: unknown) => this.log(`state dump failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.intervalMs);
  }

  /** No transaction since the last dump, and that dump is recent enough. */
  private idle(): boolean {
    if (!this.activity) return false;
    return this.activity.count() === this.dumpedAt.count && Date.now() - this.dumpedAt.time < this.activity.idleMs;
  }

  private async dumpOnce(): Promise<void> {
    // Taken before the dump: a transaction copied meanwhile makes the next one due.
    const count = this.activity?.count() ?? Number.NaN;
    const gzipped = await this.node.call<string>("anvil_dumpState", []);
    const json = await gunzip(Buffer.from(gzipped.slice(2), "hex"));
    await replaceAtomically(this.stateFile, json, this.lastGoodFile);
    this.dumpedAt = { count, time: Date.now() };
  }
}
