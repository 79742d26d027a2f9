/** Voter key history behind an interface; one SQL class fills it on SQLite and on PostgreSQL. */
import type { Sql } from "../store/sql";

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

export class SqlVoterKeyStore implements VoterKeyStore {
  constructor(private readonly sql: Sql) {}

  async byAddress(address: string): Promise<VoterKeyRecord | null> {
    const row = await this.sql.get<Row>("SELECT * FROM voter_keys WHERE address = ?", [address]);
    return row ? toRecord(row) : null;
  }

  async latest(residentId: string): Promise<VoterKeyRecord | null> {
    const row = await this.sql.get<Row>(
      `SELECT * FROM voter_keys WHERE resident_id = ?
       ORDER BY CASE WHEN status = 'active' THEN 1 ELSE 0 END DESC, enrolled_at DESC LIMIT 1`,
      [residentId],
    );
    return row ? toRecord(row) : null;
  }

  recordEnrolment(key: NewVoterKey): Promise<string[]> {
    return this.sql.transaction(async (tx) => {
      const others = await tx.all<{ address: string }>(
        "SELECT address FROM voter_keys WHERE resident_id = ? AND status = 'active' AND address != ?",
        [key.residentId, key.address],
      );
      await tx.run(
        "UPDATE voter_keys SET status = 'revoked', revoked_at = ? WHERE resident_id = ? AND status = 'active' AND address != ?",
        [key.enrolledAt, key.residentId, key.address],
      );
      await tx.run(
        `INSERT INTO voter_keys (address, resident_id, resident, status, tx_hash, enrolled_at) VALUES (?, ?, ?, 'active', ?, ?)
         ON CONFLICT (address) DO NOTHING`,
        [key.address, key.residentId, key.resident, key.txHash, key.enrolledAt],
      );
      return others.map((r) => r.address);
    });
  }

  async residentsWithActiveKey(): Promise<number> {
    const row = await this.sql.get<{ c: number }>(
      "SELECT COUNT(DISTINCT resident_id) AS c FROM voter_keys WHERE status = 'active'",
    );
    return row?.c ?? 0;
  }
}
