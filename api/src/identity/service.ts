/**
 * Identity enrolment for secret polls: the resident's browser makes a Semaphore identity and sends its
 * commitment; the API records the request durably, answers 202, and the registrar publishes
 * `commitIdentity(residentId, commitment, building code)` beside the resident's registry entry. Pending
 * requests are sent again after a restart or a node outage until the registry has them.
 */
import type { Logger } from "pino";
import { ballotBoxInterface, buildingCode } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import type { Instance } from "../cluster/instance";
import { AppError, badRequest, conflict } from "../errors";
import type { ActionLimiter } from "../limits/limiter";
import type { ResidentService } from "../residents/service";
import type { VoterKeyService } from "../keys/service";
import { ContractRevert, KeyedQueue, MINE_TIMEOUT_MS, readChain, sendAndWait } from "../keys/transactions";
import type { SerialSender } from "../keys/transactions";
import type { IdentityRecord, SqlIdentityStore } from "./store";

/** The BN254 scalar field: a commitment is a nonzero element of it. */
export const SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** How often pending requests are tried again. */
const RETRY_EVERY_MS = 5_000;

export interface IdentityStatus {
  commitment: string | null;
  status: "none" | "pending" | "mined";
}

export class IdentityService {
  private readonly perResident = new KeyedQueue();
  private timer: NodeJS.Timeout | null = null;
  private resuming: Promise<void> | null = null;
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly chain: Chain,
    private readonly residents: ResidentService,
    private readonly keys: VoterKeyService,
    private readonly store: SqlIdentityStore,
    private readonly registrar: SerialSender | null,
    private readonly limiter: ActionLimiter,
    private readonly instance: Instance,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the request and starts publishing it; `address` is the sender's, for the enrolment limit. */
  async request(residentId: string, commitmentText: string, address?: string): Promise<IdentityStatus> {
    const commitment = BigInt(commitmentText);
    if (commitment <= 0n || commitment >= SNARK_SCALAR_FIELD) {
      throw badRequest("IDENTITY_COMMITMENT_INVALID", "the commitment must be a nonzero element of the BN254 field");
    }
    const resident = await this.residents.require(residentId);
    if ((await this.keys.residentNumber(residentId)) === null) {
      throw conflict(
        "IDENTITY_NEEDS_VOTER_KEY",
        "enrol a voter key first: the identity sits beside it in the registry",
      );
    }
    if (!this.registrar) {
      throw new AppError("SERVICE_NOT_CONFIGURED", 503, "no registrar key is configured (REGISTRAR_KEY)");
    }
    const latest = await this.store.latest(residentId);
    if (latest?.commitment === commitment) return { commitment: commitment.toString(), status: latest.status };
    // Each publication is a registrar transaction the city pays for.
    await this.limiter.take("enrolment", residentId, address);
    const building = buildingCode(resident.building);
    const requestedAt = await this.store.request({ residentId, commitment, building }, this.now());
    void this.publish({ residentId, commitment, building, status: "pending", txHash: null, requestedAt });
    return { commitment: commitment.toString(), status: "pending" };
  }

  async status(residentId: string): Promise<IdentityStatus> {
    const latest = await this.store.latest(residentId);
    if (!latest) return { commitment: null, status: "none" };
    return { commitment: latest.commitment.toString(), status: latest.status };
  }

  /** Sends what an earlier run left pending, then keeps retrying what the chain did not take. */
  start(): void {
    const tick = () => {
      this.resuming = this.resume()
        .catch((err: unknown) => this.log.warn({ err }, "could not resume identity publications; will retry"))
        .finally(() => {
          this.resuming = null;
          this.timer = setTimeout(tick, RETRY_EVERY_MS);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.resuming;
    await Promise.all([...this.inFlight].map((k) => this.perResident.run(k, () => Promise.resolve())));
  }

  private async resume(): Promise<void> {
    if (!this.registrar) return;
    for (const r of await this.store.pending()) {
      if (!this.inFlight.has(r.residentId)) void this.publish(r);
    }
  }

  /** One resident's publications in order, in this instance and among all of them. */
  private publish(r: IdentityRecord): Promise<void> {
    this.inFlight.add(r.residentId);
    return this.perResident
      .run(r.residentId, () =>
        this.instance.holding(`identity:${r.residentId}`, MINE_TIMEOUT_MS + 30_000, () => this.publishNow(r)),
      )
      .catch((err: unknown) => {
        this.log.warn({ err, residentId: r.residentId }, "identity not published yet; will retry");
      })
      .finally(() => this.inFlight.delete(r.residentId));
  }

  private async publishNow(r: IdentityRecord): Promise<void> {
    const latest = await this.store.latest(r.residentId);
    if (!latest || latest.status === "mined" || latest.requestedAt !== r.requestedAt) {
      // A newer request replaces this one before it was sent.
      if (latest && latest.requestedAt !== r.requestedAt) await this.store.drop(r.residentId, r.requestedAt);
      return;
    }
    const number = await this.keys.residentNumber(r.residentId);
    if (number === null) return;
    const [onChain, building] = await readChain(() => this.chain.ballotBox.identityOf(number));
    if (onChain === r.commitment && Number(building) === r.building) {
      // Published by an earlier attempt whose answer was lost.
      await this.store.markMined(r.residentId, r.requestedAt, "");
      return;
    }
    const args = [this.residents.chainId(r.residentId), r.commitment, r.building] as const;
    try {
      const receipt = await sendAndWait(
        this.registrar!,
        { to: this.chain.deployment.ballotBox, data: ballotBoxInterface.encodeFunctionData("commitIdentity", args) },
        () => this.chain.ballotBox.connect(this.chain.registrar).commitIdentity.staticCall(...args),
        this.log,
      );
      await this.store.markMined(r.residentId, r.requestedAt, receipt.hash);
    } catch (err) {
      if (!(err instanceof ContractRevert)) throw err;
      this.log.error({ revert: err.revert, residentId: r.residentId }, "the registry refused an identity; dropped");
      await this.store.drop(r.residentId, r.requestedAt);
    }
  }
}
