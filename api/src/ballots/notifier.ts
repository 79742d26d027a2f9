/** Wakes requests waiting for a ballot's receipt when the indexer sees the ballot counted. */
export class MinedNotifier {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolves true when `id` is mined within `ms`, false on time-out. */
  wait(id: string, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const set = this.waiting.get(id) ?? new Set();
      const done = (mined: boolean) => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) this.waiting.delete(id);
        resolve(mined);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      set.add(wake);
      this.waiting.set(id, set);
    });
  }

  mined(ids: Iterable<string>): void {
    for (const id of ids) {
      const set = this.waiting.get(id);
      if (set) for (const wake of [...set]) wake();
    }
  }

  /** Wakes everyone, e.g. at shutdown. */
  releaseAll(): void {
    for (const set of this.waiting.values()) for (const wake of [...set]) wake();
  }
}
