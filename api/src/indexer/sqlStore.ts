/** The indexer's tables on either engine. Ballot events, nearly every row, are written many per statement. */
import type { Sql, SqlRunner } from "../store/sql";
import { inChunks, rowsOf } from "../store/sql";
import type { RegistryEvent, SecretCensus } from "../../../contracts/protocol";
import type { ChainEvent } from "./events";
import type {
  Cursor,
  IndexState,
  IndexedBallotRow,
  IndexerStore,
  PollRow,
  RedemptionRow,
  VoterChange,
  VoterRow,
} from "./store";

const BALLOT_COLUMNS = "e.*, b.time FROM ballot_events e LEFT JOIN indexer_blocks b ON b.number = e.block";

interface RedemptionDbRow {
  tx_hash: string;
  log_index: number;
  resident: number;
  reward_id: number;
  cost: number;
  block: number;
  time: number | null;
}

interface VoterDbRow {
  key: string;
  resident: number;
  resident_hash: string;
  district: number;
  active: number;
  block: number;
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
  census: string | null;
  block: number;
  tx_hash: string;
}

export class SqlIndexerStore implements IndexerStore {
  constructor(private readonly sql: Sql) {}

  async state(): Promise<IndexState> {
    const row = await this.sql.get<{ block: number; block_hash: string; epoch: number }>(
      "SELECT block, block_hash, epoch FROM indexer_cursor",
    );
    if (!row) return { cursor: null, epoch: 0 };
    return { cursor: row.block_hash ? { block: row.block, blockHash: row.block_hash } : null, epoch: row.epoch };
  }

  async blockHash(number: number): Promise<string | null> {
    const row = await this.sql.get<{ hash: string }>("SELECT hash FROM indexer_blocks WHERE number = ?", [number]);
    return row?.hash ?? null;
  }

  async apply(
    tx: SqlRunner,
    events: readonly ChainEvent[],
    blocks: ReadonlyMap<number, { hash: string; time: number }>,
    to: Cursor,
  ): Promise<void> {
    await inChunks([...blocks], 500, async (chunk) => {
      await tx.run(
        `INSERT INTO indexer_blocks (number, hash, time) VALUES ${rowsOf(chunk.length, 3)}
         ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, time = excluded.time`,
        chunk.flatMap(([number, b]) => [number, b.hash, b.time]),
      );
    });
    const ballots = events.flatMap((e) => (e.kind === "ballot" ? [e] : []));
    await inChunks(ballots, 500, async (chunk) => {
      await tx.run(
        `INSERT INTO ballot_events
           (poll_id, leaf_index, leaf, voter, resident, choices, revision, signature, tx_hash, block, log_index,
            nullifier, area)
         VALUES ${rowsOf(chunk.length, 13)} ON CONFLICT DO NOTHING`,
        chunk.flatMap((e) => [
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
          e.nullifier,
          e.area,
        ]),
      );
    });
    await this.applyLatestState(tx, events);
    await tx.run(
      `INSERT INTO indexer_cursor (id, block, block_hash, epoch, registry_complete) VALUES (1, ?, ?, 0, 1)
       ON CONFLICT (id) DO UPDATE SET block = excluded.block, block_hash = excluded.block_hash`,
      [to.block, to.blockHash],
    );
  }

  async rollbackTo(tx: SqlRunner, to: Cursor | null): Promise<void> {
    const block = to?.block ?? -1;
    await tx.run("DELETE FROM ballot_events WHERE block > ?", [block]);
    await tx.run("DELETE FROM indexer_blocks WHERE number > ?", [block]);
    await tx.run("DELETE FROM registry_events WHERE block > ?", [block]);
    // Registry, polls and rewards keep only latest state: emptied here, refilled by applyLatestState.
    for (const table of ["voters", "polls", "rewards", "redemptions"]) await tx.run(`DELETE FROM ${table}`);
    await tx.run("UPDATE indexer_cursor SET block = ?, block_hash = ?, epoch = epoch + 1", [
      block,
      to?.blockHash ?? "",
    ]);
  }

  async registryHistoryComplete(): Promise<boolean> {
    const row = await this.sql.get<{ registry_complete: number }>("SELECT registry_complete FROM indexer_cursor");
    return !row || row.registry_complete === 1;
  }

  /** Fills the registry's history in from `events` (the registry's from the deployment block on). */
  async completeRegistryHistory(tx: SqlRunner, events: readonly ChainEvent[]): Promise<void> {
    for (const e of events) {
      if (e.kind === "voterEnrolled") await recordRegistryEvent(tx, e, { key: e.key, district: e.district });
      else if (e.kind === "voterRevoked") await recordRegistryEvent(tx, e, { key: e.key });
      else if (e.kind === "identityCommitted") {
        await recordRegistryEvent(tx, e, { commitment: e.commitment.toString(), building: e.building });
      }
    }
    await tx.run("UPDATE indexer_cursor SET registry_complete = 1");
  }

  async applyLatestState(tx: SqlRunner, events: readonly ChainEvent[]): Promise<void> {
    for (const e of events) if (e.kind !== "ballot") await applyOne(tx, e);
  }

  async polls(): Promise<PollRow[]> {
    return (await this.sql.all<PollDbRow>("SELECT * FROM polls ORDER BY id")).map(toPoll);
  }

  async poll(id: number): Promise<PollRow | null> {
    const row = await this.sql.get<PollDbRow>("SELECT * FROM polls WHERE id = ?", [id]);
    return row ? toPoll(row) : null;
  }

  async voters(): Promise<VoterRow[]> {
    const rows = await this.sql.all<VoterDbRow>("SELECT * FROM voters");
    return rows.map(toVoter);
  }

  async lastRevisions(): Promise<{ pollId: number; resident: number; nullifier: string | null; revision: number }[]> {
    const rows = await this.sql.all<{ poll_id: number; resident: number; nullifier: string | null; revision: number }>(
      `SELECT poll_id, resident, nullifier, MAX(revision) AS revision FROM ballot_events
       GROUP BY poll_id, resident, nullifier`,
    );
    return rows.map((r) => ({ pollId: r.poll_id, resident: r.resident, nullifier: r.nullifier, revision: r.revision }));
  }

  async registryEvents(toBlock: number): Promise<RegistryEvent[]> {
    const rows = await this.sql.all<RegistryDbRow>(
      "SELECT * FROM registry_events WHERE block <= ? ORDER BY block, log_index",
      [toBlock],
    );
    return rows.map(toRegistryEvent);
  }

  async ballotsOfPoll(pollId: number, offset: number, limit: number): Promise<IndexedBallotRow[]> {
    const rows = await this.sql.all<BallotDbRow>(
      `SELECT ${BALLOT_COLUMNS} WHERE e.poll_id = ? AND e.leaf_index >= ? ORDER BY e.leaf_index LIMIT ?`,
      [pollId, offset, limit],
    );
    return rows.map(toBallot);
  }

  async ballotPage(after: { pollId: number; leafIndex: number }, limit: number): Promise<IndexedBallotRow[]> {
    const rows = await this.sql.all<BallotDbRow>(
      `SELECT ${BALLOT_COLUMNS} WHERE e.poll_id > ? OR (e.poll_id = ? AND e.leaf_index > ?)
       ORDER BY e.poll_id, e.leaf_index LIMIT ?`,
      [after.pollId, after.pollId, after.leafIndex, limit],
    );
    return rows.map(toBallot);
  }

  async ballotCount(pollId: number): Promise<number> {
    const row = await this.sql.get<{ c: number }>("SELECT COUNT(*) AS c FROM ballot_events WHERE poll_id = ?", [
      pollId,
    ]);
    return row?.c ?? 0;
  }

  async activeVotersByDistrict(): Promise<Map<number, number>> {
    const rows = await this.sql.all<{ district: number; c: number }>(
      "SELECT district, COUNT(*) AS c FROM voters WHERE active = 1 GROUP BY district",
    );
    return new Map(rows.map((r) => [r.district, r.c]));
  }

  async redemptions(resident: number | null): Promise<RedemptionRow[]> {
    const where = resident === null ? "" : "WHERE r.resident = ?";
    const rows = await this.sql.all<RedemptionDbRow>(
      `SELECT r.*, b.time FROM redemptions r LEFT JOIN indexer_blocks b ON b.number = r.block
       ${where} ORDER BY r.block DESC, r.log_index DESC`,
      resident === null ? [] : [resident],
    );
    return rows.map((r) => ({
      txHash: r.tx_hash,
      logIndex: r.log_index,
      resident: r.resident,
      rewardId: r.reward_id,
      cost: r.cost,
      block: r.block,
      time: r.time,
    }));
  }

  async ballotsInBlocks(from: number, to: number): Promise<IndexedBallotRow[]> {
    const rows = await this.sql.all<BallotDbRow>(
      `SELECT ${BALLOT_COLUMNS} WHERE e.block > ? AND e.block <= ? ORDER BY e.poll_id, e.leaf_index`,
      [from, to],
    );
    return rows.map(toBallot);
  }

  async votersChangedInBlocks(from: number, to: number): Promise<VoterChange[]> {
    const rows = await this.sql.all<VoterDbRow>("SELECT * FROM voters WHERE block > ? AND block <= ?", [from, to]);
    return rows.map((r) => ({ ...toVoter(r), block: r.block }));
  }

  async pollsChangedInBlocks(from: number, to: number): Promise<PollRow[]> {
    const rows = await this.sql.all<PollDbRow>(
      "SELECT * FROM polls WHERE changed_block > ? AND changed_block <= ? ORDER BY id",
      [from, to],
    );
    return rows.map(toPoll);
  }
}

async function applyOne(tx: SqlRunner, e: ChainEvent): Promise<void> {
  switch (e.kind) {
    case "ballot":
      return;
    case "voterEnrolled":
      await recordRegistryEvent(tx, e, { key: e.key, district: e.district });
      await tx.run(
        `INSERT INTO voters (key, resident, resident_hash, district, active, block) VALUES (?, ?, ?, ?, 1, ?)
         ON CONFLICT (key) DO UPDATE SET district = excluded.district, active = 1, block = excluded.block`,
        [e.key, e.resident, e.residentHash, e.district, e.block],
      );
      return;
    case "voterRevoked":
      await recordRegistryEvent(tx, e, { key: e.key });
      await tx.run("UPDATE voters SET active = 0, block = ? WHERE key = ?", [e.block, e.key]);
      return;
    case "identityCommitted":
      await recordRegistryEvent(tx, e, { commitment: e.commitment.toString(), building: e.building });
      return;
    case "secretPollCreated":
      await tx.run("UPDATE polls SET census = ?, changed_block = ? WHERE id = ?", [
        JSON.stringify(e.census),
        e.block,
        e.pollId,
      ]);
      return;
    case "pollCreated": {
      const p = e.poll;
      await tx.run(
        `INSERT INTO polls (id, content_hash, uri, start, "end", questions, districts, revote, points, status,
           block, tx_hash, changed_block)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET content_hash = excluded.content_hash, uri = excluded.uri,
           start = excluded.start, "end" = excluded."end", questions = excluded.questions,
           districts = excluded.districts, revote = excluded.revote, points = excluded.points,
           status = excluded.status, final_root = NULL, final_tallies = NULL, block = excluded.block,
           tx_hash = excluded.tx_hash, changed_block = excluded.changed_block`,
        [
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
          e.block,
        ],
      );
      return;
    }
    case "pollClosed":
      await tx.run('UPDATE polls SET "end" = ?, changed_block = ? WHERE id = ?', [e.end, e.block, e.pollId]);
      return;
    case "pollCancelled":
      await tx.run("UPDATE polls SET status = 'cancelled', changed_block = ? WHERE id = ?", [e.block, e.pollId]);
      return;
    case "pollFinalized":
      await tx.run(
        "UPDATE polls SET status = 'finalized', final_root = ?, final_tallies = ?, changed_block = ? WHERE id = ?",
        [e.root, JSON.stringify(e.tallies.map(String)), e.block, e.pollId],
      );
      return;
    case "pollOutcome":
      await tx.run("UPDATE polls SET outcome_hash = ?, outcome_uri = ?, changed_block = ? WHERE id = ?", [
        e.outcomeHash,
        e.uri,
        e.block,
        e.pollId,
      ]);
      return;
    case "rewardListed":
      await tx.run(
        `INSERT INTO rewards (id, cost, stock, active, uri, block) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET cost = excluded.cost, stock = excluded.stock, active = 1,
           uri = excluded.uri, block = excluded.block`,
        [e.rewardId, e.cost, e.stock, e.uri, e.block],
      );
      return;
    case "rewardUpdated":
      await tx.run("UPDATE rewards SET stock = ?, active = ? WHERE id = ?", [e.stock, e.active ? 1 : 0, e.rewardId]);
      return;
    case "pointsRedeemed":
      await tx.run("UPDATE rewards SET stock = CASE WHEN stock > 0 THEN stock - 1 ELSE 0 END WHERE id = ?", [
        e.rewardId,
      ]);
      await tx.run(
        `INSERT INTO redemptions (tx_hash, log_index, resident, reward_id, cost, block) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [e.txHash, e.logIndex, e.resident, e.rewardId, e.cost, e.block],
      );
      return;
  }
}

/** Keeps a registry event in the history a census is rebuilt from; a replayed one is left as it is. */
async function recordRegistryEvent(
  tx: SqlRunner,
  e: { kind: RegistryEvent["kind"]; block: number; logIndex: number; resident: number },
  fields: { key?: string; district?: number; commitment?: string; building?: number },
): Promise<void> {
  await tx.run(
    `INSERT INTO registry_events (block, log_index, kind, resident, voter_key, district, commitment, building)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [
      e.block,
      e.logIndex,
      e.kind,
      e.resident,
      fields.key ?? null,
      fields.district ?? null,
      fields.commitment ?? null,
      fields.building ?? null,
    ],
  );
}

interface RegistryDbRow {
  block: number;
  kind: RegistryEvent["kind"];
  resident: number;
  voter_key: string | null;
  district: number | null;
  commitment: string | null;
  building: number | null;
}

function toRegistryEvent(r: RegistryDbRow): RegistryEvent {
  if (r.kind === "voterEnrolled") {
    return { kind: r.kind, block: r.block, resident: r.resident, key: r.voter_key ?? "", district: r.district ?? 0 };
  }
  if (r.kind === "voterRevoked") return { kind: r.kind, block: r.block, resident: r.resident, key: r.voter_key ?? "" };
  return {
    kind: r.kind,
    block: r.block,
    resident: r.resident,
    commitment: BigInt(r.commitment ?? "0"),
    building: r.building ?? 0,
  };
}

function toVoter(r: VoterDbRow): VoterRow {
  return {
    key: r.key,
    resident: r.resident,
    residentHash: r.resident_hash,
    district: r.district,
    active: r.active === 1,
  };
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
  nullifier: string | null;
  area: number | null;
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
    nullifier: r.nullifier,
    area: r.area,
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
    census: r.census ? (JSON.parse(r.census) as SecretCensus) : null,
    block: r.block,
    txHash: r.tx_hash,
  };
}
