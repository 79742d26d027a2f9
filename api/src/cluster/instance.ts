/**
 * This process among the API instances that share one store: a random id, a heartbeat lease that says
 * it is alive, and how leases behave on its engine.
 */
import crypto from "node:crypto";
import type { SqlRunner } from "../store/sql";
import type { LeaseStore } from "./leases";

export interface ClusterOptions {
  /** How long a lease lasts unless renewed; a dead instance's work passes on after this. */
  leaseTtlMs: number;
  /**
   * True on SQLite: one process owns the file, so it takes every lease at start rather than wait for
   * a killed predecessor's to lapse.
   */
  exclusive: boolean;
}

/** A holder stops using a lease this long before it lapses, in case its clock runs slow. */
export const LEASE_MARGIN_FRACTION = 0.3;

/** Lapsed leases are kept this long (a dead instance's name stays readable in the table), then dropped. */
const FORGET_LAPSED_MS = 3_600_000;

export class Instance {
  readonly id = crypto.randomUUID();
  private heartbeats = 0;

  constructor(
    readonly leases: LeaseStore,
    readonly options: ClusterOptions,
  ) {}

  /** Renews this instance's heartbeat; returns how many instances are alive, this one included. */
  async heartbeat(now = Date.now()): Promise<number> {
    await this.leases.acquire(`instance:${this.id}`, this.id, this.options.leaseTtlMs, now);
    if (this.heartbeats++ % 600 === 0) await this.leases.forgetLapsed(now - FORGET_LAPSED_MS);
    return Math.max(1, (await this.leases.live("instance:", now)).length);
  }

  /** Until when a lease renewed at `renewedAt` may be used. */
  usableUntil(renewedAt: number): number {
    return renewedAt + this.options.leaseTtlMs * (1 - LEASE_MARGIN_FRACTION);
  }

  /** Takes or renews a lease; on SQLite, takes it whoever holds it. */
  async take(name: string, now = Date.now()): Promise<boolean> {
    if (this.options.exclusive) {
      await this.leases.seize(name, this.id, this.options.leaseTtlMs, now);
      return true;
    }
    return this.leases.acquire(name, this.id, this.options.leaseTtlMs, now);
  }

  /** Inside a transaction: renews a lease this instance holds; false if it passed on (see LeaseStore.fence). */
  fence(tx: SqlRunner, name: string, now = Date.now()): Promise<boolean> {
    if (this.options.exclusive) return Promise.resolve(true);
    return this.leases.fence(tx, name, this.id, this.options.leaseTtlMs, now);
  }

  /**
   * Runs `work` while holding the lease `name`, waiting for another instance to give it up (or for its
   * lease to lapse, if it died). Within this instance callers must take turns themselves (KeyedQueue).
   */
  async holding<T>(name: string, ttlMs: number, work: () => Promise<T>): Promise<T> {
    if (this.options.exclusive) return work();
    while (!(await this.leases.acquire(name, this.id, ttlMs, Date.now()))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      return await work();
    } finally {
      await this.leases.release(name, this.id).catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    await this.leases.release(`instance:${this.id}`, this.id);
  }
}
