/**
 * The register's store. The interface is what the service needs; one SQL class fills it on SQLite (the
 * embedded default) and on PostgreSQL (instances that share one database).
 */
import type { Sql, SqlRunner } from "../store/sql";

export interface ResidentRecord {
  residentId: string;
  district: number;
  building: string;
  codeHash: string;
  passwordHash: string | null;
  activatedAt: number | null;
  createdAt: number;
  /** A password-reset code staff issued (its keyed hash) and when it stops working. */
  resetHash: string | null;
  resetExpiresAt: number | null;
}

export type NewResident = Pick<ResidentRecord, "residentId" | "district" | "building" | "codeHash">;

/** The outcome of claiming one sign-in attempt: go ahead and check the password, or locked. */
export type AttemptClaim = { ok: true } | { ok: false; lockedUntil: number };

export interface LockPolicy {
  maxAttempts: number;
  /** How long a lock lasts, and how long a failure is remembered. */
  lockoutMs: number;
}

export interface ResidentStore {
  get(residentId: string): Promise<ResidentRecord | null>;
  /** Stores the residents not known yet, all in one transaction; known ids are left untouched. */
  insertNew(rows: readonly NewResident[], now: number): Promise<{ created: string[]; existing: string[] }>;
  /** Replaces the activation code of a resident not activated yet; false otherwise. */
  replaceCode(residentId: string, codeHash: string): Promise<boolean>;
  /** Sets the password of a resident not activated yet; false if someone activated first. */
  activate(residentId: string, passwordHash: string, now: number): Promise<boolean>;
  /**
   * Counts an attempt on `subject` (a hash of the id typed, whether or not a resident has it) before
   * the password is checked, so parallel guesses cannot exceed the limit.
   */
  claimLoginAttempt(subject: string, now: number, policy: LockPolicy): Promise<AttemptClaim>;
  loginSucceeded(subject: string): Promise<void>;
  /** Locks the subject once the attempts reach the limit; returns the lock's end if it is locked. */
  loginFailed(subject: string, now: number, policy: LockPolicy): Promise<number | null>;
  counts(): Promise<{ total: number; activated: number }>;
  /** Registered residents per district code. */
  countsByDistrict(): Promise<Map<number, number>>;
  /** The register's building strings, each once: the labels of building codes. */
  buildings(): Promise<string[]>;
  /** Keeps a password-reset code's hash for an activated resident; false if not activated. */
  setResetCode(residentId: string, resetHash: string, expiresAt: number): Promise<boolean>;
  /**
   * Sets a new password if `resetHash` is the resident's unexpired reset code, which is then spent;
   * clears a sign-in lock. False if the code is unknown, spent or expired.
   */
  resetPassword(residentId: string, resetHash: string, passwordHash: string, now: number): Promise<boolean>;
}

interface Row {
  resident_id: string;
  district: number;
  building: string;
  code_hash: string;
  password_hash: string | null;
  activated_at: number | null;
  created_at: number;
  reset_hash: string | null;
  reset_expires_at: number | null;
}

interface AttemptRow {
  attempts: number;
  locked_until: number | null;
  updated_at: number;
}

function toRecord(r: Row): ResidentRecord {
  return {
    residentId: r.resident_id,
    district: r.district,
    building: r.building,
    codeHash: r.code_hash,
    passwordHash: r.password_hash,
    activatedAt: r.activated_at,
    createdAt: r.created_at,
    resetHash: r.reset_hash,
    resetExpiresAt: r.reset_expires_at,
  };
}

/** One implementation for both engines: every statement is in the SQL they share. */
export class SqlResidentStore implements ResidentStore {
  constructor(private readonly sql: Sql) {}

  async get(residentId: string): Promise<ResidentRecord | null> {
    const row = await this.sql.get<Row>("SELECT * FROM residents WHERE resident_id = ?", [residentId]);
    return row ? toRecord(row) : null;
  }

  insertNew(rows: readonly NewResident[], now: number): Promise<{ created: string[]; existing: string[] }> {
    return this.sql.transaction(async (tx) => {
      const created: string[] = [];
      const existing: string[] = [];
      for (const r of rows) {
        const changed = await tx.run(
          `INSERT INTO residents (resident_id, district, building, code_hash, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (resident_id) DO NOTHING`,
          [r.residentId, r.district, r.building, r.codeHash, now],
        );
        (changed > 0 ? created : existing).push(r.residentId);
      }
      return { created, existing };
    });
  }

  async replaceCode(residentId: string, codeHash: string): Promise<boolean> {
    const changed = await this.sql.run(
      "UPDATE residents SET code_hash = ? WHERE resident_id = ? AND activated_at IS NULL",
      [codeHash, residentId],
    );
    return changed > 0;
  }

  async activate(residentId: string, passwordHash: string, now: number): Promise<boolean> {
    const changed = await this.sql.run(
      "UPDATE residents SET password_hash = ?, activated_at = ? WHERE resident_id = ? AND activated_at IS NULL",
      [passwordHash, now, residentId],
    );
    return changed > 0;
  }

  claimLoginAttempt(subject: string, now: number, policy: LockPolicy): Promise<AttemptClaim> {
    return this.sql.transaction(async (tx): Promise<AttemptClaim> => {
      // Failures older than the lockout are forgotten, so unknown ids typed once do not pile up.
      await tx.run(
        `DELETE FROM login_attempts WHERE subject IN
           (SELECT subject FROM login_attempts WHERE updated_at < ? AND (locked_until IS NULL OR locked_until < ?) LIMIT 100)`,
        [now - policy.lockoutMs, now],
      );
      const row = await this.lockedAttempt(tx, subject, now);
      if (row.locked_until !== null && row.locked_until > now) {
        return { ok: false, lockedUntil: row.locked_until };
      }
      // An expired lock or an old failure starts a fresh count.
      const fresh = row.locked_until !== null || row.updated_at < now - policy.lockoutMs;
      const attempts = fresh ? 0 : row.attempts;
      if (attempts >= policy.maxAttempts) {
        // As many attempts as allowed are still being checked: lock rather than try one more.
        const lockedUntil = now + policy.lockoutMs;
        await setAttempts(tx, subject, 0, lockedUntil, now);
        return { ok: false, lockedUntil };
      }
      await setAttempts(tx, subject, attempts + 1, null, now);
      return { ok: true };
    });
  }

  async loginSucceeded(subject: string): Promise<void> {
    await this.sql.run("DELETE FROM login_attempts WHERE subject = ?", [subject]);
  }

  loginFailed(subject: string, now: number, policy: LockPolicy): Promise<number | null> {
    return this.sql.transaction(async (tx): Promise<number | null> => {
      const row = await tx.get<AttemptRow>(
        `SELECT attempts, locked_until, updated_at FROM login_attempts WHERE subject = ?${this.sql.dialect.forUpdate}`,
        [subject],
      );
      if (!row) return null;
      if (row.locked_until !== null && row.locked_until > now) return row.locked_until;
      if (row.attempts < policy.maxAttempts) return null;
      const lockedUntil = now + policy.lockoutMs;
      await setAttempts(tx, subject, 0, lockedUntil, now);
      return lockedUntil;
    });
  }

  async countsByDistrict(): Promise<Map<number, number>> {
    const rows = await this.sql.all<{ district: number; c: number }>(
      "SELECT district, COUNT(*) AS c FROM residents GROUP BY district",
    );
    return new Map(rows.map((r) => [r.district, r.c]));
  }

  async buildings(): Promise<string[]> {
    const rows = await this.sql.all<{ building: string }>("SELECT DISTINCT building FROM residents");
    return rows.map((r) => r.building);
  }

  async setResetCode(residentId: string, resetHash: string, expiresAt: number): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE residents SET reset_hash = ?, reset_expires_at = ?
       WHERE resident_id = ? AND activated_at IS NOT NULL`,
      [resetHash, expiresAt, residentId],
    );
    return changed > 0;
  }

  async resetPassword(residentId: string, resetHash: string, passwordHash: string, now: number): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE residents SET password_hash = ?, reset_hash = NULL, reset_expires_at = NULL
       WHERE resident_id = ? AND reset_hash = ? AND reset_expires_at > ?`,
      [passwordHash, residentId, resetHash, now],
    );
    return changed > 0;
  }

  async counts(): Promise<{ total: number; activated: number }> {
    const row = await this.sql.get<{ total: number; activated: number }>(
      "SELECT COUNT(*) AS total, COUNT(activated_at) AS activated FROM residents",
    );
    return { total: row?.total ?? 0, activated: row?.activated ?? 0 };
  }

  /**
   * The subject's row, created empty if missing, and locked until the transaction ends, so that
   * parallel attempts on one subject (from any instance) are counted one after another.
   */
  private async lockedAttempt(tx: SqlRunner, subject: string, now: number): Promise<AttemptRow> {
    await tx.run(
      `INSERT INTO login_attempts (subject, attempts, locked_until, updated_at) VALUES (?, 0, NULL, ?)
       ON CONFLICT (subject) DO NOTHING`,
      [subject, now],
    );
    const row = await tx.get<AttemptRow>(
      `SELECT attempts, locked_until, updated_at FROM login_attempts WHERE subject = ?${this.sql.dialect.forUpdate}`,
      [subject],
    );
    return row!;
  }
}

function setAttempts(tx: SqlRunner, subject: string, attempts: number, lockedUntil: number | null, now: number) {
  return tx.run("UPDATE login_attempts SET attempts = ?, locked_until = ?, updated_at = ? WHERE subject = ?", [
    attempts,
    lockedUntil,
    now,
    subject,
  ]);
}
