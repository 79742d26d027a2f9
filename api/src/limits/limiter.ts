/**
 * Limits on actions each of which costs the city a transaction: a resident's voter-key enrolments and
 * re-votes, counted per resident and per network address. Past a limit the API answers RATE_LIMITED
 * with `retryAfterSeconds` and sends nothing.
 */
import { AppError } from "../errors";
import type { CounterStore } from "./store";

export interface Limit {
  /** Most actions per window; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

export interface LimitRules {
  enrolmentsPerResident: Limit;
  enrolmentsPerAddress: Limit;
  revotesPerResident: Limit;
  revotesPerAddress: Limit;
}

export type Action = "enrolment" | "revote";

export class ActionLimiter {
  constructor(
    private readonly store: CounterStore,
    private readonly rules: LimitRules,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the action for the resident and the address; throws RATE_LIMITED past either limit. */
  async take(action: Action, resident: string | number, address: string | undefined): Promise<void> {
    const [perResident, perAddress] =
      action === "enrolment"
        ? [this.rules.enrolmentsPerResident, this.rules.enrolmentsPerAddress]
        : [this.rules.revotesPerResident, this.rules.revotesPerAddress];
    await this.count(`${action}:resident:${resident}`, perResident, `too many ${action}s for this resident`);
    if (address) await this.count(`${action}:address:${address}`, perAddress, `too many ${action}s from this address`);
  }

  private async count(key: string, limit: Limit, message: string): Promise<void> {
    if (limit.max === 0) return;
    const now = this.now();
    const { count, windowStart } = await this.store.hit(key, limit.windowMs, now);
    if (count <= limit.max) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + limit.windowMs - now) / 1000));
    throw new AppError("RATE_LIMITED", 429, `${message}; try again later`, { retryAfterSeconds });
  }
}
