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
  loginAttempts: number;
  lockedUntil: number | null;
  createdAt: number;
  /** A password-reset code staff issued (its keyed hash) and when it stops working. */
  resetHash: string | null;
  resetExpiresAt: number | null;
}

export type NewResident = Pick<ResidentRecord, "residentId" | "district" | "building" | "codeHash">;

/** The outcome of claiming one sign-in attempt: go ahead with the password hash, or locked. */
export type AttemptClaim = { ok: true; passwordHash: string | null } | { ok: false; lockedUntil: number };

export interface LockPolicy {
  maxAttempts: number;
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
   * Counts an attempt before the password is checked, so parallel guesses cannot exceed the limit;
   * null for an unknown resident.
   */
  claimLoginAttempt(residentId: string, now: number, policy: LockPolicy): Promise<AttemptClaim | null>;
  loginSucceeded(residentId: string): Promise<void>;
  /** Locks the account once the attempts reach the limit; returns the lock's end if it is locked. */
  loginFailed(residentId: string, now: number, policy: LockPolicy): Promise<number | null>;
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
  login_attempts: number;
  locked_until: number | null;
  created_at: number;
  reset_hash: string | null;
  reset_expires_at: number | null;
}

function toRecord(r: Row): ResidentRecord {
  return {
    residentId: r.resident_id,
    district: r.district,
    building: r.building,
    codeHash: r.code_hash,
    passwordHash: r.password_hash,
    activatedAt: r.activated_at,
    loginAttempts: r.login_attempts,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    resetHash: r.reset_hash,
    resetExpiresAt: r.reset_expires_at,
  };
}

export class SqliteResidentStore implements ResidentStore {
  private readonly byId;
  private readonly insert;
  private readonly setAttempts;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], Row>("SELECT * FROM residents WHERE resident_id = ?");
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO residents (resident_id, district, building, code_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.setAttempts = db.prepare("UPDATE residents SET login_attempts = ?, locked_until = ? WHERE resident_id = ?");
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
        `UPDATE residents SET password_hash = ?, activated_at = ?, login_attempts = 0, locked_until = NULL
         WHERE resident_id = ? AND activated_at IS NULL`,
      )
      .run(passwordHash, now, residentId).changes;
    return Promise.resolve(changed > 0);
  }

  claimLoginAttempt(residentId: string, now: number, policy: LockPolicy): Promise<AttemptClaim | null> {
    const claim = this.db
      .transaction((): AttemptClaim | null => {
        const row = this.byId.get(residentId);
        if (!row) return null;
        if (row.locked_until !== null && row.locked_until > now) return { ok: false, lockedUntil: row.locked_until };
        // An expired lock starts a fresh count.
        const attempts = row.locked_until !== null ? 0 : row.login_attempts;
        if (attempts >= policy.maxAttempts) {
          // As many attempts as allowed are still being checked: lock rather than try one more.
          const lockedUntil = now + policy.lockoutMs;
          this.setAttempts.run(0, lockedUntil, residentId);
          return { ok: false, lockedUntil };
        }
        this.setAttempts.run(attempts + 1, null, residentId);
        return { ok: true, passwordHash: row.password_hash };
      })
      .immediate();
    return Promise.resolve(claim);
  }

  loginSucceeded(residentId: string): Promise<void> {
    this.setAttempts.run(0, null, residentId);
    return Promise.resolve();
  }

  loginFailed(residentId: string, now: number, policy: LockPolicy): Promise<number | null> {
    const locked = this.db
      .transaction((): number | null => {
        const row = this.byId.get(residentId);
        if (!row) return null;
        if (row.locked_until !== null && row.locked_until > now) return row.locked_until;
        if (row.login_attempts < policy.maxAttempts) return null;
        const lockedUntil = now + policy.lockoutMs;
        this.setAttempts.run(0, lockedUntil, residentId);
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
        `UPDATE residents SET password_hash = ?, reset_hash = NULL, reset_expires_at = NULL,
           login_attempts = 0, locked_until = NULL
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
