/** Requested identity commitments, on either engine. */
import type { Sql } from "../store/sql";

export interface IdentityRecord {
  residentId: string;
  commitment: bigint;
  building: number;
  status: "pending" | "mined";
  txHash: string | null;
  requestedAt: number;
}

interface Row {
  resident_id: string;
  commitment: string;
  building: number;
  status: "pending" | "mined";
  tx_hash: string | null;
  requested_at: number;
}

const toRecord = (r: Row): IdentityRecord => ({
  residentId: r.resident_id,
  commitment: BigInt(r.commitment),
  building: r.building,
  status: r.status,
  txHash: r.tx_hash,
  requestedAt: r.requested_at,
});

export class SqlIdentityStore {
  constructor(private readonly sql: Sql) {}

  /** The resident's latest request. */
  async latest(residentId: string): Promise<IdentityRecord | null> {
    const row = await this.sql.get<Row>(
      "SELECT * FROM identity_commitments WHERE resident_id = ? ORDER BY requested_at DESC LIMIT 1",
      [residentId],
    );
    return row ? toRecord(row) : null;
  }

  /** Records a request durably (the 202 promises it); a request in the same millisecond moves on by one. */
  async request(r: Pick<IdentityRecord, "residentId" | "commitment" | "building">, now: number): Promise<number> {
    return this.sql.transaction(
      async (tx) => {
        const last = await tx.get<{ t: number | null }>(
          "SELECT MAX(requested_at) AS t FROM identity_commitments WHERE resident_id = ?",
          [r.residentId],
        );
        const at = Math.max(now, (last?.t ?? 0) + 1);
        await tx.run(
          `INSERT INTO identity_commitments (resident_id, commitment, building, status, requested_at)
           VALUES (?, ?, ?, 'pending', ?)`,
          [r.residentId, r.commitment.toString(), r.building, at],
        );
        return at;
      },
      { durable: true },
    );
  }

  async pending(): Promise<IdentityRecord[]> {
    const rows = await this.sql.all<Row>(
      "SELECT * FROM identity_commitments WHERE status = 'pending' ORDER BY requested_at",
    );
    return rows.map(toRecord);
  }

  async markMined(residentId: string, requestedAt: number, txHash: string): Promise<void> {
    await this.sql.run(
      "UPDATE identity_commitments SET status = 'mined', tx_hash = ? WHERE resident_id = ? AND requested_at = ?",
      [txHash, residentId, requestedAt],
    );
  }

  /** A request the registry will never take (or one overtaken by a newer one): forgotten. */
  async drop(residentId: string, requestedAt: number): Promise<void> {
    await this.sql.run("DELETE FROM identity_commitments WHERE resident_id = ? AND requested_at = ?", [
      residentId,
      requestedAt,
    ]);
  }
}
