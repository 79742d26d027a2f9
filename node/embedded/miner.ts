/**
 * Mines the embedded chain's blocks from outside the node: one `evm_mine` every interval. anvil's own
 * interval mining makes it keep the states of its latest 1,500 blocks in memory whatever
 * `--prune-history` says (over 2 GB by the middle of a busy voting day); a node mined from outside keeps
 * only the `--prune-history` latest. Clients still turn interval mining off and on, through the front.
 *
 * Under load a block is also mined as soon as the pool holds BUSY_BLOCK transactions: anvil builds
 * each receipt from a copy of its whole block (eth_getBlockReceipts of a 2,966-transaction block takes
 * 2 s), so reading a block's receipts, as the archive does, costs the square of its size. Blocks mined
 * within one second share its timestamp (anvil allows it), so the chain's clock does not run ahead.
 */
import type { NodeRpcClient } from "../../contracts/protocol/node/rpc";

/** Pending transactions that make a block due before its second is up. */
export const BUSY_BLOCK = 256;
/** How often the pool is looked at between blocks. */
const LOOK_EVERY_MS = 100;

export class BlockMiner {
  /** Seconds between blocks; null when clients turned interval mining off. */
  private seconds: number | null = null;
  private held = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private mining: Promise<void> | null = null;
  private nextAt = 0;

  constructor(
    private readonly node: NodeRpcClient,
    private readonly log: (message: string) => void,
  ) {}

  /** Seconds between blocks, as `anvil_getIntervalMining` answers: null when not mining on a timer. */
  get interval(): number | null {
    return this.seconds;
  }

  /** Mines a block every `seconds` from now on; 0 stops, as anvil's `evm_setIntervalMining` does. */
  setInterval(seconds: number): void {
    if (this.stopped) return;
    this.seconds = seconds > 0 ? seconds : null;
    this.clear();
    if (this.seconds === null) return;
    this.nextAt = Date.now() + this.seconds * 1000;
    this.schedule();
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** While held (the archive is catching up), no block is mined. */
  hold(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    this.log(held ? "copying history fell behind: mining held" : "history copied: mining resumed");
  }

  /** Stops the timer and waits for a block being mined. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.seconds = null;
    this.clear();
    await this.mining;
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.tick(), Math.min(LOOK_EVERY_MS, Math.max(0, this.nextAt - Date.now())));
  }

  private tick(): void {
    const seconds = this.seconds;
    if (seconds === null) return;
    this.schedule();
    // One block at a time: a block still being mined makes the next look wait.
    if (this.held || this.mining) return;
    const due = Date.now() >= this.nextAt;
    // A block is due every interval from the last one due, so slow blocks do not drift the schedule.
    if (due) this.nextAt = Math.max(this.nextAt + seconds * 1000, Date.now());
    this.mining = (due ? Promise.resolve(true) : this.poolIsBusy())
      .then(async (mine) => {
        if (mine) await this.node.call("evm_mine", []);
      })
      .catch((err: unknown) => this.log(`mining a block failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.mining = null;
      });
  }

  private async poolIsBusy(): Promise<boolean> {
    const status = await this.node.call<{ pending: string }>("txpool_status", []);
    return Number(status.pending) >= BUSY_BLOCK;
  }
}
