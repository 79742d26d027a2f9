/** Writes decoded events into the indexer's tables and reads them back. */
import type { Db } from "../store/database";
import type { ChainEvent, IndexedBallot, IndexedPoll } from "./events";

export interface Cursor {
  block: number;
  blockHash: string;
}

export interface PollRow extends IndexedPoll {
  cityWide: boolean;
  status: "scheduled" | "cancelled" | "finalized";
  finalRoot: string | null;
  finalTallies: bigint[] | null;
  /** What the city decided, once staff publish it (text URI and its hash). */
  outcome: { hash: string; uri: string } | null;
  block: number;
  txHash: string;
}

export interface VoterRow {
  key: string;
  resident: number;
  residentHash: string;
  district: number;
  active: boolean;
}

interface PollDbRow {
  id: number;
  content_hash: string;
  uri: string;
  start: number;
  end: number;
  questions: string;
  districts: string;
  revote: number;
  points: number;
  status: PollRow["status"];
  final_root: string | null;
  final_tallies: string | null;
  outcome_hash: string | null;
  outcome_uri: string | null;
  block: number;
  tx_hash: string;
}

export class IndexerStore {
  private readonly insertBallot;
  private readonly upsertVoter;
  private readonly deactivateKey;

  constructor(private readonly db: Db) {
    this.insertBallot = db.prepare(
      `INSERT OR IGNORE INTO ballot_events
       (poll_id, leaf_index, leaf, voter, resident, choices, revision, signature, tx_hash, block, log_index)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertVoter = db.prepare(
      `INSERT INTO voters (key, resident, resident_hash, district, active, block) VALUES (?, ?, ?, ?, 1, ?)
       ON CONFLICT (key) DO UPDATE SET district = excluded.district, active = 1, block = excluded.block`,
    );
    this.deactivateKey = db.prepare("UPDATE voters SET active = 0, block = ? WHERE key = ?");
  }

  cursor(): Cursor | null {
    const row = this.db
      .prepare<[], { block: number; block_hash: string }>("SELECT block, block_hash FROM indexer_cursor")
      .get();
    return row ? { block: row.block, blockHash: row.block_hash } : null;
  }

  blockHash(number: number): string | null {
    const row = this.db
      .prepare<[number], { hash: string }>("SELECT hash FROM indexer_blocks WHERE number = ?")
      .get(number);
    return row?.hash ?? null;
  }

  /** Stores one batch of events and moves the cursor; call inside a transaction. */
  apply(events: readonly ChainEvent[], blocks: ReadonlyMap<number, { hash: string; time: number }>, to: Cursor): void {
    const putBlock = this.db.prepare("INSERT OR REPLACE INTO indexer_blocks (number, hash, time) VALUES (?, ?, ?)");
    for (const [number, b] of blocks) putBlock.run(number, b.hash, b.time);
    for (const e of events) this.applyOne(e);
    this.db
      .prepare(
        `INSERT INTO indexer_cursor (id, block, block_hash) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET block = excluded.block, block_hash = excluded.block_hash`,
      )
      .run(to.block, to.blockHash);
  }

  private applyOne(e: ChainEvent): void {
    switch (e.kind) {
      case "ballot":
        this.insertBallot.run(
          e.pollId,
          e.leafIndex,
          e.leaf,
          e.voter,
          e.resident,
          e.choices.toString(),
          e.revision,
          e.signature,
          e.txHash,
          e.block,
          e.logIndex,
        );
        return;
      case "voterEnrolled":
        this.upsertVoter.run(e.key, e.resident, e.residentHash, e.district, e.block);
        return;
      case "voterRevoked":
        this.deactivateKey.run(e.block, e.key);
        return;
      case "pollCreated": {
        const p = e.poll;
        this.db
          .prepare(
            `INSERT OR REPLACE INTO polls (id, content_hash, uri, start, end, questions, districts, revote, points, status, block, tx_hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)`,
          )
          .run(
            p.pollId,
            p.contentHash,
            p.uri,
            p.start,
            p.end,
            JSON.stringify(p.questions),
            JSON.stringify(p.districts),
            p.revote ? 1 : 0,
            p.points,
            e.block,
            e.txHash,
          );
        return;
      }
      case "pollClosed":
        this.db.prepare("UPDATE polls SET end = ? WHERE id = ?").run(e.end, e.pollId);
        return;
      case "pollCancelled":
        this.db.prepare("UPDATE polls SET status = 'cancelled' WHERE id = ?").run(e.pollId);
        return;
      case "pollFinalized":
        this.db
          .prepare("UPDATE polls SET status = 'finalized', final_root = ?, final_tallies = ? WHERE id = ?")
          .run(e.root, JSON.stringify(e.tallies.map(String)), e.pollId);
        return;
      case "pollOutcome":
        this.db
          .prepare("UPDATE polls SET outcome_hash = ?, outcome_uri = ? WHERE id = ?")
          .run(e.outcomeHash, e.uri, e.pollId);
        return;
      case "rewardListed":
        this.db
          .prepare("INSERT OR REPLACE INTO rewards (id, cost, stock, active, uri, block) VALUES (?, ?, ?, 1, ?, ?)")
          .run(e.rewardId, e.cost, e.stock, e.uri, e.block);
        return;
      case "rewardUpdated":
        this.db
          .prepare("UPDATE rewards SET stock = ?, active = ? WHERE id = ?")
          .run(e.stock, e.active ? 1 : 0, e.rewardId);
        return;
      case "pointsRedeemed":
        this.db.prepare("UPDATE rewards SET stock = MAX(stock - 1, 0) WHERE id = ?").run(e.rewardId);
        this.db
          .prepare(
            `INSERT OR IGNORE INTO redemptions (tx_hash, log_index, resident, reward_id, cost, block)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(e.txHash, e.logIndex, e.resident, e.rewardId, e.cost, e.block);
        return;
    }
  }

  /** Forgets everything after `block`, for a chain that lost or replaced blocks; call in a transaction. */
  rollbackTo(block: number, blockHash: string): void {
    this.db.prepare("DELETE FROM ballot_events WHERE block > ?").run(block);
    this.db.prepare("DELETE FROM indexer_blocks WHERE number > ?").run(block);
    // Registry, polls and rewards keep only latest state: emptied here, refilled by applyLatestState.
    this.db.exec("DELETE FROM voters; DELETE FROM polls; DELETE FROM rewards; DELETE FROM redemptions;");
    this.db.prepare("UPDATE indexer_cursor SET block = ?, block_hash = ?").run(block, blockHash);
  }

  /** Replays registry, poll and reward events in chain order; call in a transaction. */
  applyLatestState(events: readonly ChainEvent[]): void {
    for (const e of events) if (e.kind !== "ballot") this.applyOne(e);
  }

  polls(): PollRow[] {
    return this.db.prepare<[], PollDbRow>("SELECT * FROM polls ORDER BY id").all().map(toPoll);
  }

  poll(id: number): PollRow | null {
    const row = this.db.prepare<[number], PollDbRow>("SELECT * FROM polls WHERE id = ?").get(id);
    return row ? toPoll(row) : null;
  }

  voters(): VoterRow[] {
    return this.db
      .prepare<[], { key: string; resident: number; resident_hash: string; district: number; active: number }>(
        "SELECT key, resident, resident_hash, district, active FROM voters",
      )
      .all()
      .map((r) => ({
        key: r.key,
        resident: r.resident,
        residentHash: r.resident_hash,
        district: r.district,
        active: r.active === 1,
      }));
  }

  /** Each resident's last counted revision per poll, for the API's re-vote checks. */
  lastRevisions(): { pollId: number; resident: number; revision: number }[] {
    return this.db
      .prepare<[], { poll_id: number; resident: number; revision: number }>(
        "SELECT poll_id, resident, MAX(revision) AS revision FROM ballot_events GROUP BY poll_id, resident",
      )
      .all()
      .map((r) => ({ pollId: r.poll_id, resident: r.resident, revision: r.revision }));
  }

  ballotsOfPoll(pollId: number, offset: number, limit: number): IndexedBallotRow[] {
    return this.db
      .prepare<[number, number, number], BallotDbRow>(
        `SELECT e.*, b.time FROM ballot_events e LEFT JOIN indexer_blocks b ON b.number = e.block
         WHERE e.poll_id = ? AND e.leaf_index >= ? ORDER BY e.leaf_index LIMIT ?`,
      )
      .all(pollId, offset, limit)
      .map(toBallot);
  }

  /** Residents' active voter keys per district: who could sign a ballot today. */
  activeVotersByDistrict(): Map<number, number> {
    const rows = this.db
      .prepare<[], { district: number; c: number }>(
        "SELECT district, COUNT(*) AS c FROM voters WHERE active = 1 GROUP BY district",
      )
      .all();
    return new Map(rows.map((r) => [r.district, r.c]));
  }

  /** Redemptions of points, newest first: one resident's, or everyone's when `resident` is null. */
  redemptions(resident: number | null): RedemptionRow[] {
    const where = resident === null ? "" : "WHERE r.resident = ?";
    return this.db
      .prepare<number[], RedemptionDbRow>(
        `SELECT r.*, b.time FROM redemptions r LEFT JOIN indexer_blocks b ON b.number = r.block
         ${where} ORDER BY r.block DESC, r.log_index DESC`,
      )
      .all(...(resident === null ? [] : [resident]))
      .map((r) => ({
        txHash: r.tx_hash,
        logIndex: r.log_index,
        resident: r.resident,
        rewardId: r.reward_id,
        cost: r.cost,
        block: r.block,
        time: r.time,
      }));
  }

  ballotCount(pollId: number): number {
    return (
      this.db.prepare<[number], { c: number }>("SELECT COUNT(*) AS c FROM ballot_events WHERE poll_id = ?").get(pollId)
        ?.c ?? 0
    );
  }
}

export interface RedemptionRow {
  txHash: string;
  logIndex: number;
  resident: number;
  rewardId: number;
  cost: number;
  block: number;
  /** Block time in seconds, if known. */
  time: number | null;
}

interface RedemptionDbRow {
  tx_hash: string;
  log_index: number;
  resident: number;
  reward_id: number;
  cost: number;
  block: number;
  time: number | null;
}

export interface IndexedBallotRow extends Omit<IndexedBallot, "blockHash"> {
  time: number | null;
}

interface BallotDbRow {
  poll_id: number;
  leaf_index: number;
  leaf: string;
  voter: string;
  resident: number;
  choices: string;
  revision: number;
  signature: string;
  tx_hash: string;
  block: number;
  log_index: number;
  time: number | null;
}

function toBallot(r: BallotDbRow): IndexedBallotRow {
  return {
    pollId: r.poll_id,
    leafIndex: r.leaf_index,
    leaf: r.leaf,
    voter: r.voter,
    resident: r.resident,
    choices: BigInt(r.choices),
    revision: r.revision,
    signature: r.signature,
    txHash: r.tx_hash,
    block: r.block,
    logIndex: r.log_index,
    time: r.time,
  };
}

function toPoll(r: PollDbRow): PollRow {
  return {
    pollId: r.id,
    contentHash: r.content_hash,
    uri: r.uri,
    start: r.start,
    end: r.end,
    questions: JSON.parse(r.questions) as PollRow["questions"],
    districts: JSON.parse(r.districts) as number[],
    cityWide: (JSON.parse(r.districts) as number[]).length === 0,
    revote: r.revote === 1,
    points: r.points,
    status: r.status,
    finalRoot: r.final_root,
    finalTallies: r.final_tallies ? (JSON.parse(r.final_tallies) as string[]).map(BigInt) : null,
    outcome: r.outcome_hash && r.outcome_uri !== null ? { hash: r.outcome_hash, uri: r.outcome_uri } : null,
    block: r.block,
    txHash: r.tx_hash,
  };
}
