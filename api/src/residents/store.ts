/**
 * The register's store. The interface is what the service needs; the SQLite class fills it for the
 * embedded default, and a PostgreSQL class could fill it for instances that share one database.
 */
import type { Db } from "../store/database";

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

export class SqliteResidentStore implements ResidentStore {
  private readonly byId;
  private readonly insert;
  private readonly attempt;
  private readonly setAttempts;
  private readonly forgetOld;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], Row>("SELECT * FROM residents WHERE resident_id = ?");
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO residents (resident_id, district, building, code_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.attempt = db.prepare<[string], AttemptRow>(
      "SELECT attempts, locked_until, updated_at FROM login_attempts WHERE subject = ?",
    );
    this.setAttempts = db.prepare(
      `INSERT INTO login_attempts (subject, attempts, locked_until, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (subject) DO UPDATE SET attempts = excluded.attempts, locked_until = excluded.locked_until,
         updated_at = excluded.updated_at`,
    );
    this.forgetOld = db.prepare(
      `DELETE FROM login_attempts WHERE subject IN
         (SELECT subject FROM login_attempts WHERE updated_at < ? AND (locked_until IS NULL OR locked_until < ?) LIMIT 100)`,
    );
  }

  get(residentId: string): Promise<ResidentRecord | null> {
    const row = this.byId.get(residentId);
    return Promise.resolve(row ? toRecord(row) : null);
  }

  insertNew(rows: readonly NewResident[], now: number): Promise<{ created: string[]; existing: string[] }> {
    const created: string[] = [];
    const existing: string[] = [];
    this.db.transaction(() => {
      for (const r of rows) {
        const changed = this.insert.run(r.residentId, r.district, r.building, r.codeHash, now).changes;
        (changed > 0 ? created : existing).push(r.residentId);
      }
    })();
    return Promise.resolve({ created, existing });
  }

  replaceCode(residentId: string, codeHash: string): Promise<boolean> {
    const changed = this.db
      .prepare("UPDATE residents SET code_hash = ? WHERE resident_id = ? AND activated_at IS NULL")
      .run(codeHash, residentId).changes;
    return Promise.resolve(changed > 0);
  }

  activate(residentId: string, passwordHash: string, now: number): Promise<boolean> {
    const changed = this.db
      .prepare(
        `UPDATE residents SET password_hash = ?, activated_at = ? WHERE resident_id = ? AND activated_at IS NULL`,
      )
      .run(passwordHash, now, residentId).changes;
    return Promise.resolve(changed > 0);
  }

  claimLoginAttempt(subject: string, now: number, policy: LockPolicy): Promise<AttemptClaim> {
    const claim = this.db
      .transaction((): AttemptClaim => {
        // Failures older than the lockout are forgotten, so unknown ids typed once do not pile up.
        this.forgetOld.run(now - policy.lockoutMs, now);
        const row = this.attempt.get(subject);
        if (row && row.locked_until !== null && row.locked_until > now) {
          return { ok: false, lockedUntil: row.locked_until };
        }
        // An expired lock or an old failure starts a fresh count.
        const fresh = !row || row.locked_until !== null || row.updated_at < now - policy.lockoutMs;
        const attempts = fresh ? 0 : row.attempts;
        if (attempts >= policy.maxAttempts) {
          // As many attempts as allowed are still being checked: lock rather than try one more.
          const lockedUntil = now + policy.lockoutMs;
          this.setAttempts.run(subject, 0, lockedUntil, now);
          return { ok: false, lockedUntil };
        }
        this.setAttempts.run(subject, attempts + 1, null, now);
        return { ok: true };
      })
      .immediate();
    return Promise.resolve(claim);
  }

  loginSucceeded(subject: string): Promise<void> {
    this.db.prepare("DELETE FROM login_attempts WHERE subject = ?").run(subject);
    return Promise.resolve();
  }

  loginFailed(subject: string, now: number, policy: LockPolicy): Promise<number | null> {
    const locked = this.db
      .transaction((): number | null => {
        const row = this.attempt.get(subject);
        if (!row) return null;
        if (row.locked_until !== null && row.locked_until > now) return row.locked_until;
        if (row.attempts < policy.maxAttempts) return null;
        const lockedUntil = now + policy.lockoutMs;
        this.setAttempts.run(subject, 0, lockedUntil, now);
        return lockedUntil;
      })
      .immediate();
    return Promise.resolve(locked);
  }

  countsByDistrict(): Promise<Map<number, number>> {
    const rows = this.db
      .prepare<[], { district: number; c: number }>("SELECT district, COUNT(*) AS c FROM residents GROUP BY district")
      .all();
    return Promise.resolve(new Map(rows.map((r) => [r.district, r.c])));
  }

  setResetCode(residentId: string, resetHash: string, expiresAt: number): Promise<boolean> {
    const changed = this.db
      .prepare(
        `UPDATE residents SET reset_hash = ?, reset_expires_at = ?
         WHERE resident_id = ? AND activated_at IS NOT NULL`,
      )
      .run(resetHash, expiresAt, residentId).changes;
    return Promise.resolve(changed > 0);
  }

  resetPassword(residentId: string, resetHash: string, passwordHash: string, now: number): Promise<boolean> {
    const changed = this.db
      .prepare(
        `UPDATE residents SET password_hash = ?, reset_hash = NULL, reset_expires_at = NULL
         WHERE resident_id = ? AND reset_hash = ? AND reset_expires_at > ?`,
      )
      .run(passwordHash, residentId, resetHash, now).changes;
    return Promise.resolve(changed > 0);
  }

  counts(): Promise<{ total: number; activated: number }> {
    const row = this.db
      .prepare<[], { total: number; activated: number | null }>(
        "SELECT COUNT(*) AS total, SUM(activated_at IS NOT NULL) AS activated FROM residents",
      )
      .get();
    return Promise.resolve({ total: row?.total ?? 0, activated: row?.activated ?? 0 });
  }
}
