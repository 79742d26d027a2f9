/**
 * The CLI's one progress bar: a line on a terminal's stderr, redrawn at most ten times a second and
 * cleared when done; silent when stderr is not a terminal (never drawn into a pipe or a log).
 */
import type { Output } from "./io";

export interface Progress {
  /** `detail` follows the bar: what is being done, or by default the count done. */
  update(done: number, total: number, detail?: string): void;
  done(): void;
}

const WIDTH = 30;

export function progressBar(stream: Output, label: string): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(done, total, detail = done.toLocaleString("en")) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * WIDTH);
      const bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
      stream.write(`\r\x1b[2K${label} [${bar}] ${Math.floor(ratio * 100)}% ${detail}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}
