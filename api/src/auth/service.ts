/**
 * Activation, sign-in and sessions. Sign-in treats an unknown resident id as it treats a known one:
 * the same LOGIN_FAILED for a wrong password, the same argon2 time, and the same ACCOUNT_LOCKED after
 * repeated failures, so that no answer tells whether an id exists.
 */
import crypto from "node:crypto";
import { AppError, conflict, unauthorized } from "../errors";
import type { ResidentSession } from "../http/route";
import { hashActivationCode, normalizeCode, sameHash } from "../residents/secrets";
import type { ResidentService } from "../residents/service";
import type { LockPolicy } from "../residents/store";
import { checkPasswordStrength, hashPassword, verifyDecoy, verifyPassword } from "./passwords";
import { attemptSubject } from "./attempts";
import type { SessionStore } from "./store";

export const MAX_LOGIN_ATTEMPTS = 5;

export interface SessionGrant {
  token: string;
  expiresAt: string;
}

export interface AuthOptions {
  sessionTtlSeconds: number;
  lockoutSeconds: number;
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

const loginFailed = () => unauthorized("LOGIN_FAILED", "resident id or password is wrong");
const activationInvalid = () => unauthorized("ACTIVATION_INVALID", "resident id or activation code is wrong");

export class AuthService {
  private readonly policy: LockPolicy;

  constructor(
    private readonly residents: ResidentService,
    private readonly sessions: SessionStore,
    private readonly options: AuthOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.policy = { maxAttempts: MAX_LOGIN_ATTEMPTS, lockoutMs: options.lockoutSeconds * 1000 };
  }

  /** Sets the first password with the code from the register, and signs in. */
  async activate(input: { residentId: string; code: string; password: string }): Promise<SessionGrant> {
    checkPasswordStrength(input.password);
    const pepper = this.residents.pepper;
    const resident = await this.residents.store.get(input.residentId);
    const given = hashActivationCode(pepper, input.residentId, normalizeCode(input.code));
    if (!resident || !sameHash(given, resident.codeHash)) throw activationInvalid();
    if (resident.activatedAt !== null) throw conflict("ALREADY_ACTIVATED", "this account is already activated");
    const passwordHash = await hashPassword(input.password);
    // Conditional write: of two racing activations only one sets the password.
    if (!(await this.residents.store.activate(input.residentId, passwordHash, this.now()))) {
      throw conflict("ALREADY_ACTIVATED", "this account is already activated");
    }
    return this.openSession(input.residentId);
  }

  async login(input: { residentId: string; password: string }): Promise<SessionGrant> {
    const store = this.residents.store;
    const subject = attemptSubject(input.residentId);
    const claim = await store.claimLoginAttempt(subject, this.now(), this.policy);
    if (!claim.ok) throw this.locked(claim.lockedUntil);
    const resident = await store.get(input.residentId);
    const matches = resident?.passwordHash
      ? await verifyPassword(resident.passwordHash, input.password)
      : await verifyDecoy(input.password);
    if (matches) {
      await store.loginSucceeded(subject);
      return this.openSession(input.residentId);
    }
    const lockedUntil = await store.loginFailed(subject, this.now(), this.policy);
    throw lockedUntil === null ? loginFailed() : this.locked(lockedUntil);
  }

  async logout(token: string): Promise<void> {
    await this.sessions.delete(hashToken(token));
  }

  /** The session a bearer token opens, or null if it is unknown or expired. */
  async session(token: string): Promise<ResidentSession | null> {
    const found = await this.sessions.find(hashToken(token), this.now());
    return found ? { residentId: found.residentId, token, expiresAt: found.expiresAt } : null;
  }

  private async openSession(residentId: string): Promise<SessionGrant> {
    const now = this.now();
    const token = crypto.randomBytes(32).toString("base64url");
    const expiresAt = now + this.options.sessionTtlSeconds * 1000;
    await this.sessions.deleteExpired(now);
    await this.sessions.create(hashToken(token), residentId, now, expiresAt);
    return { token, expiresAt: new Date(expiresAt).toISOString() };
  }

  private locked(lockedUntil: number): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil - this.now()) / 1000));
    return new AppError("ACCOUNT_LOCKED", 423, "too many failed sign-ins; try again later", { retryAfterSeconds });
  }
}
