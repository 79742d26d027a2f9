/**
 * Mines the embedded chain's blocks from outside the node: one `evm_mine` every interval. anvil's own
 * interval mining makes it keep the states of its latest 1,500 blocks in memory whatever
 * `--prune-history` says (over 2 GB by the middle of a busy voting day); a node mined from outside keeps
 * only the `--prune-history` latest. Clients still turn interval mining off and on, through the front.
 */
import type { NodeRpcClient } from "../../contracts/protocol/node/rpc";

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

  /** While held (the archive is catching up), no block is mined. */
  hold(held: boolean): void {
    this.held = held;
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
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.nextAt - Date.now()));
  }

  private tick(): void {
    const seconds = this.seconds;
    if (seconds === null) return;
    // A block is due every interval from the last one due, so slow blocks do not drift the schedule.
    this.nextAt = Math.max(this.nextAt + seconds * 1000, Date.now());
    // A block still being mined when the next is due makes that one wait for the next interval.
    if (!this.held && !this.mining) {
      this.mining = this.node
        .call("evm_mine", [])
        .then(
          () => undefined,
          (err: unknown) => this.log(`mining a block failed: ${err instanceof Error ? err.message : String(err)}`),
        )
        .finally(() => {
          this.mining = null;
        });
    }
    this.schedule();
  }
}
