/** The resident register as staff and the sign-in flow use it. */
import { AppError, conflict, notFound } from "../errors";
import { hashActivationCode, newActivationCode, residentHash } from "./secrets";
import type { ResidentRecord, ResidentStore } from "./store";

export interface ResidentImportRow {
  residentId: string;
  district: number;
  building: string;
}

export interface ImportResult {
  /** Each code is shown here once; only its hash is kept. */
  created: { residentId: string; activationCode: string }[];
  existing: string[];
}

export interface RegisterStats {
  total: number;
  activated: number;
  withKey: number;
}

export class ResidentService {
  constructor(
    readonly store: ResidentStore,
    private readonly pepperValue: string | undefined,
    /** How many residents hold an active voter key (kept by the keys feature). */
    private readonly residentsWithKey: () => Promise<number>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The secret the register's hashes are keyed with; the register is closed without it. */
  get pepper(): string {
    if (!this.pepperValue) {
      throw new AppError("SERVICE_NOT_CONFIGURED", 503, "the resident register needs RESIDENT_ID_PEPPER to be set");
    }
    return this.pepperValue;
  }

  /** Adds the residents not known yet, all or nothing; residents already known keep their codes. */
  async import(rows: readonly ResidentImportRow[]): Promise<ImportResult> {
    const pepper = this.pepper;
    const codes = new Map(rows.map((r) => [r.residentId, newActivationCode()]));
    const { created, existing } = await this.store.insertNew(
      rows.map((r) => ({ ...r, codeHash: hashActivationCode(pepper, r.residentId, codes.get(r.residentId) ?? "") })),
      this.now(),
    );
    return {
      created: created.map((residentId) => ({ residentId, activationCode: codes.get(residentId) ?? "" })),
      existing,
    };
  }

  /** A new activation code for a resident who has not activated; the old code stops working. */
  async reissueCode(residentId: string): Promise<{ residentId: string; activationCode: string }> {
    const resident = await this.require(residentId);
    if (resident.activatedAt !== null) throw conflict("ALREADY_ACTIVATED", "this resident has already activated");
    const activationCode = newActivationCode();
    const replaced = await this.store.replaceCode(
      residentId,
      hashActivationCode(this.pepper, residentId, activationCode),
    );
    if (!replaced) throw conflict("ALREADY_ACTIVATED", "this resident has already activated");
    return { residentId, activationCode };
  }

  async stats(): Promise<RegisterStats> {
    const [counts, withKey] = await Promise.all([this.store.counts(), this.residentsWithKey()]);
    return { ...counts, withKey };
  }

  async require(residentId: string): Promise<ResidentRecord> {
    const resident = await this.store.get(residentId);
    if (!resident) throw notFound("RESIDENT_NOT_FOUND", `no resident ${residentId} in the register`);
    return resident;
  }

  /** The resident's id as the chain knows it. */
  chainId(residentId: string): string {
    return residentHash(this.pepper, residentId);
  }
}
