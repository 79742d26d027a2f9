/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never into a pipe or a log). */
import type { AuditProgress } from "./audit";

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function progressBar(stream: Output, label: string): { update(p: AuditProgress): void; done(): void } {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.blocksDone < p.blocksTotal) return;
      last = now;
      const share = p.blocksTotal > 0 ? Math.min(1, p.blocksDone / p.blocksTotal) : 1;
      const width = 30;
      const filled = Math.round(share * width);
      const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
      const what =
        p.phase === "registry" ? "reading the voter registry" : p.phase === "tree" ? "rebuilding the tree" : "ballots";
      stream.write(`\r${label} [${bar}] ${Math.round(share * 100)}% ${what} ${p.ballots.toLocaleString("en")}   `);
      drawn = true;
    },
    done() {
      if (drawn) stream.write("\r\x1b[2K");
    },
  };
}
