/**
 * What the outbox learns from the indexer: ballots it sees counted leave the outbox as mined (the
 * instance that writes the index marks every instance's ballots, in the same transaction, so a crash
 * cannot lose the mark), their relayer slots free up and waiting receipt requests wake; ballots in
 * blocks the chain lost go back to be sent again.
 */
import type { Logger } from "pino";
import type { FollowerListener } from "../indexer/follower";
import type { Metrics } from "../metrics";
import type { MinedNotifier } from "./notifier";
import type { Relayer } from "./relayer";
import type { OutboxStore } from "./store";

export function minedBallotsListener(parts: {
  outbox: OutboxStore;
  relayer: Relayer;
  notifier: MinedNotifier;
  metrics: Metrics;
  log: Logger;
}): FollowerListener {
  const { outbox, relayer, notifier, metrics, log } = parts;
  return {
    inTransaction: async (tx, batch) => {
      const ballots = batch.events.filter((e) => e.kind === "ballot");
      if (ballots.length === 0) return;
      const now = Date.now();
      const marked = await outbox.markMined(tx, ballots, now);
      for (const m of marked) {
        relayer.settled(m.relayer);
        metrics.acceptToMined.observe((now - m.acceptedAt) / 1000);
      }
      metrics.ballotsMined.inc(marked.length);
    },
    inRollback: async (tx, block) => {
      const requeued = await outbox.unmineAfter(tx, block);
      if (requeued > 0) log.warn({ requeued, block }, "re-sending ballots whose blocks the chain lost");
    },
    afterCommit: (batch) => notifier.mined(batch.events.flatMap((e) => (e.kind === "ballot" ? [e.leaf] : []))),
    afterRollback: () => relayer.notify(),
  };
}
