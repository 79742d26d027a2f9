/** A one-line progress bar on a terminal's stderr; silent when stderr is not a terminal. */
import type { Output } from "./io";

export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

const WIDTH = 30;

export function progressBar(stream: Output, label: string): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(ratio * WIDTH);
      const bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
      stream.write(`\r${label} [${bar}] ${Math.floor(ratio * 100)}% ${done.toLocaleString("en")}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\n");
      shown = false;
    },
  };
}
