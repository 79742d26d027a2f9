/**
 * A resident who forgot their password gets back in: staff issue a reset code (shown once, kept as a
 * keyed hash, valid for three days), and the resident sets a new password with it. The voter key is
 * not touched here; the browser explains what happens to it.
 */
import { badRequest, conflict, unauthorized } from "../errors";
import { checkPasswordStrength, hashPassword } from "../auth/passwords";
import { attemptSubject } from "../auth/attempts";
import { hashResetCode, newActivationCode, sameHash } from "./secrets";
import type { ResidentService } from "./service";

export const RESET_CODE_TTL_MS = 72 * 3600 * 1000;

const resetInvalid = () => unauthorized("RESET_CODE_INVALID", "resident id or reset code is wrong, spent or expired");

export class PasswordResets {
  constructor(
    private readonly residents: ResidentService,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new reset code for an activated resident; an earlier code stops working. */
  async issue(residentId: string): Promise<{ residentId: string; resetCode: string; expiresAt: string }> {
    const resident = await this.residents.require(residentId);
    if (resident.activatedAt === null) {
      throw conflict("NOT_ACTIVATED", "this resident has not activated yet; issue a new activation code instead");
    }
    const resetCode = newActivationCode();
    const expiresAt = this.now() + RESET_CODE_TTL_MS;
    const hash = hashResetCode(this.residents.pepper, residentId, resetCode);
    if (!(await this.residents.store.setResetCode(residentId, hash, expiresAt))) {
      throw conflict("NOT_ACTIVATED", "this resident has not activated yet; issue a new activation code instead");
    }
    return { residentId, resetCode, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** Sets the new password with the code from staff; the code is spent and a sign-in lock lifted. */
  async reset(input: { residentId: string; code: string; password: string }): Promise<{ ok: true }> {
    checkPasswordStrength(input.password);
    const resident = await this.residents.store.get(input.residentId);
    const given = hashResetCode(this.residents.pepper, input.residentId, input.code);
    if (!resident?.resetHash || !sameHash(given, resident.resetHash)) throw resetInvalid();
    if ((resident.resetExpiresAt ?? 0) <= this.now()) {
      throw badRequest("RESET_CODE_EXPIRED", "this reset code has expired; ask the city office for a new one");
    }
    const passwordHash = await hashPassword(input.password);
    // Conditional write: the code works once, even for two requests racing with it.
    if (!(await this.residents.store.resetPassword(input.residentId, given, passwordHash, this.now()))) {
      throw resetInvalid();
    }
    await this.residents.store.loginSucceeded(attemptSubject(input.residentId));
    return { ok: true };
  }
}
