/**
 * Voter key enrolment: the resident's browser proves it holds a new key (EIP-191 over the enrolment
 * text), the registrar enrols it on-chain, and the API records it only once the transaction is mined.
 * A new key revokes the old one on-chain; keys are never reused.
 */
import { getAddress } from "ethers";
import type { Logger } from "pino";
import {
  addressTopic,
  ballotBoxInterface,
  collectLogs,
  ENROLMENT_MAX_AGE_MS,
  enrolmentSigner,
  EVENT_TOPICS,
} from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import { AppError, badRequest, conflict } from "../errors";
import type { ResidentService } from "../residents/service";
import type { Instance } from "../cluster/instance";
import { ContractRevert, KeyedQueue, MINE_TIMEOUT_MS, readChain, sendAndWait } from "./transactions";
import type { SerialSender } from "./transactions";
import type { VoterKeyRecord, VoterKeyStore } from "./store";
import type { ActionLimiter } from "../limits/limiter";

export interface EnrolmentProof {
  address: string;
  issuedAt: string;
  signature: string;
}

export interface EnrolmentResult {
  address: string;
  status: "active";
  txHash: string;
  revoked: string | null;
}

export interface VoterKeyView {
  address: string;
  status: "active" | "revoked";
  txHash: string;
  enrolledAt: string;
}

const proofInvalid = (message: string) => badRequest("KEY_PROOF_INVALID", message);
const keyTaken = () => conflict("KEY_TAKEN", "this key is already enrolled; make a new key");

export class VoterKeyService {
  private readonly perResident = new KeyedQueue();

  constructor(
    private readonly chain: Chain,
    private readonly residents: ResidentService,
    readonly store: VoterKeyStore,
    private readonly registrar: SerialSender | null,
    private readonly limiter: ActionLimiter,
    /** Other instances enrol too: one enrolment per resident at a time among them all. */
    private readonly instance: Instance,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** Told of each enrolment as soon as it is mined, before the indexer sees it. */
    private readonly onEnrolled: (change: {
      key: string;
      resident: number;
      district: number;
      revoked: string | null;
    }) => void = () => undefined,
  ) {}

  /**
   * One enrolment per resident at a time, in this instance and among all of them (a lease outlasting the
   * wait for the transaction), so the history is written in the chain's order. `address` is the
   * sender's network address, for the enrolment limit.
   */
  enrol(residentId: string, proof: EnrolmentProof, address?: string): Promise<EnrolmentResult> {
    return this.perResident.run(residentId, () =>
      this.instance.holding(`enrol:${residentId}`, MINE_TIMEOUT_MS + 30_000, () =>
        this.enrolNow(residentId, proof, address),
      ),
    );
  }

  async current(residentId: string): Promise<VoterKeyView | null> {
    const key = await this.store.latest(residentId);
    if (!key) return null;
    let status = key.status;
    if (status === "active") {
      // Staff may have revoked the key on-chain directly; the chain has the last word.
      try {
        const [, , active] = await this.chain.ballotBox.voter(key.address);
        if (!active) status = "revoked";
      } catch (err) {
        this.log.warn({ err }, "could not read the voter key from the chain; showing the stored status");
      }
    }
    return { address: key.address, status, txHash: key.txHash, enrolledAt: new Date(key.enrolledAt).toISOString() };
  }

  /** The resident's number on the chain, or null if never enrolled. */
  async residentNumber(residentId: string): Promise<number | null> {
    const key = await this.store.latest(residentId);
    if (key) return key.resident;
    const hash = this.residents.chainId(residentId);
    const resident = Number(await readChain(() => this.chain.ballotBox.residentOf(hash)));
    return resident === 0 ? null : resident;
  }

  private async enrolNow(residentId: string, proof: EnrolmentProof, address?: string): Promise<EnrolmentResult> {
    const resident = await this.residents.require(residentId);
    const residentHash = this.residents.chainId(residentId);
    const key = getAddress(proof.address.toLowerCase());
    this.checkProof(residentHash, key, proof);

    const known = await this.store.byAddress(key);
    if (known) {
      if (known.residentId !== residentId || known.status !== "active") throw keyTaken();
      return { address: key, status: "active", txHash: known.txHash, revoked: null };
    }
    const [holder, , active] = await readChain(() => this.chain.ballotBox.voter(key));
    if (holder !== 0n) {
      // Enrolled by an earlier request whose answer was lost (e.g. a timeout): record it now.
      const mine = await readChain(() => this.chain.ballotBox.residentOf(residentHash));
      if (holder !== mine || !active) throw keyTaken();
      return this.record(residentId, Number(holder), key, await this.enrolmentTx(key), null);
    }

    if (!this.registrar) {
      throw new AppError("SERVICE_NOT_CONFIGURED", 503, "no registrar key is configured (REGISTRAR_KEY)");
    }
    // Each enrolment is a registrar transaction the city pays for.
    await this.limiter.take("enrolment", residentId, address);
    const args = [residentHash, key, resident.district] as const;
    let receipt;
    try {
      receipt = await sendAndWait(
        this.registrar,
        { to: this.chain.deployment.ballotBox, data: ballotBoxInterface.encodeFunctionData("enrol", args) },
        () => this.chain.ballotBox.connect(this.chain.registrar).enrol.staticCall(...args),
        this.log,
      );
    } catch (err) {
      if (!(err instanceof ContractRevert)) throw err;
      if (err.revert.name === "RegistryKeyTaken") throw keyTaken();
      this.log.error({ revert: err.revert }, "the registry refused an enrolment");
      throw new AppError("CHAIN_REJECTED", 502, `the registry refused the enrolment (${err.revert.name})`);
    }
    let number = 0;
    let revoked: string | null = null;
    for (const log of receipt.logs) {
      const parsed = ballotBoxInterface.parseLog(log);
      if (parsed?.name === "VoterEnrolled") number = Number(parsed.args[1]);
      if (parsed?.name === "VoterRevoked") revoked = getAddress(String(parsed.args[1]));
    }
    this.onEnrolled({ key, resident: number, district: resident.district, revoked });
    return this.record(residentId, number, key, receipt.hash, revoked);
  }

  /** The transaction that enrolled `address`, from the registry's events read in pages. */
  private async enrolmentTx(address: string): Promise<string> {
    const { rpc, deployment } = this.chain;
    const filter = {
      address: deployment.ballotBox,
      topics: [EVENT_TOPICS.VoterEnrolled, null, null, addressTopic(address)],
    };
    const logs = await readChain(async () => {
      const head = Number(await rpc.call<string>("eth_blockNumber", []));
      return collectLogs(rpc, filter, deployment.deployedBlock, head);
    });
    return logs.at(-1)?.transactionHash ?? "";
  }

  private checkProof(residentHash: string, address: string, proof: EnrolmentProof): void {
    const issued = Date.parse(proof.issuedAt);
    if (!Number.isFinite(issued) || Math.abs(this.now() - issued) > ENROLMENT_MAX_AGE_MS) {
      throw proofInvalid("issuedAt must be within 10 minutes of now; sign a fresh proof");
    }
    const signer = enrolmentSigner(
      {
        residentHash,
        address,
        chainId: this.chain.chainId,
        ballotBox: this.chain.deployment.ballotBox,
        issuedAt: proof.issuedAt,
      },
      proof.signature,
    );
    if (signer === null || getAddress(signer) !== address) {
      throw proofInvalid("the proof must be signed by the key being enrolled, over this resident's enrolment text");
    }
  }

  private async record(
    residentId: string,
    resident: number,
    address: string,
    txHash: string,
    revokedOnChain: string | null,
  ): Promise<EnrolmentResult> {
    const key: Omit<VoterKeyRecord, "status" | "revokedAt"> = {
      address,
      residentId,
      resident,
      txHash,
      enrolledAt: this.now(),
    };
    const revokedHere = await this.store.recordEnrolment(key);
    return { address, status: "active", txHash, revoked: revokedOnChain ?? revokedHere[0] ?? null };
  }
}
