/** Voter key history behind an interface; SQLite here, PostgreSQL could fill the same interface. */
import type { Db } from "../store/database";

export interface VoterKeyRecord {
  /** Checksummed address. */
  address: string;
  residentId: string;
  /** The resident's number on the chain. */
  resident: number;
  status: "active" | "revoked";
  txHash: string;
  enrolledAt: number;
  revokedAt: number | null;
}

export type NewVoterKey = Pick<VoterKeyRecord, "address" | "residentId" | "resident" | "txHash" | "enrolledAt">;

export interface VoterKeyStore {
  byAddress(address: string): Promise<VoterKeyRecord | null>;
  /** The resident's most recently enrolled key. */
  latest(residentId: string): Promise<VoterKeyRecord | null>;
  /** Records a new active key and revokes the resident's others, in one transaction; returns those revoked. */
  recordEnrolment(key: NewVoterKey): Promise<string[]>;
  residentsWithActiveKey(): Promise<number>;
}

interface Row {
  address: string;
  resident_id: string;
  resident: number;
  status: "active" | "revoked";
  tx_hash: string;
  enrolled_at: number;
  revoked_at: number | null;
}

function toRecord(r: Row): VoterKeyRecord {
  return {
    address: r.address,
    residentId: r.resident_id,
    resident: r.resident,
    status: r.status,
    txHash: r.tx_hash,
    enrolledAt: r.enrolled_at,
    revokedAt: r.revoked_at,
  };
}

export class SqliteVoterKeyStore implements VoterKeyStore {
  constructor(private readonly db: Db) {}

  byAddress(address: string): Promise<VoterKeyRecord | null> {
    const row = this.db.prepare<[string], Row>("SELECT * FROM voter_keys WHERE address = ?").get(address);
    return Promise.resolve(row ? toRecord(row) : null);
  }

  latest(residentId: string): Promise<VoterKeyRecord | null> {
    const row = this.db
      .prepare<[string], Row>(
        "SELECT * FROM voter_keys WHERE resident_id = ? ORDER BY status = 'active' DESC, enrolled_at DESC LIMIT 1",
      )
      .get(residentId);
    return Promise.resolve(row ? toRecord(row) : null);
  }

  recordEnrolment(key: NewVoterKey): Promise<string[]> {
    const revoked = this.db.transaction(() => {
      const others = this.db
        .prepare<[string, string], { address: string }>(
          "SELECT address FROM voter_keys WHERE resident_id = ? AND status = 'active' AND address != ?",
        )
        .all(key.residentId, key.address)
        .map((r) => r.address);
      this.db
        .prepare(
          "UPDATE voter_keys SET status = 'revoked', revoked_at = ? WHERE resident_id = ? AND status = 'active' AND address != ?",
        )
        .run(key.enrolledAt, key.residentId, key.address);
      this.db
        .prepare(
          `INSERT INTO voter_keys (address, resident_id, resident, status, tx_hash, enrolled_at) VALUES (?, ?, ?, 'active', ?, ?)
           ON CONFLICT (address) DO NOTHING`,
        )
        .run(key.address, key.residentId, key.resident, key.txHash, key.enrolledAt);
      return others;
    })();
    return Promise.resolve(revoked);
  }

  residentsWithActiveKey(): Promise<number> {
    const row = this.db
      .prepare<[], { c: number }>("SELECT COUNT(DISTINCT resident_id) AS c FROM voter_keys WHERE status = 'active'")
      .get();
    return Promise.resolve(row?.c ?? 0);
  }
}
