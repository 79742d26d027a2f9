/**
 * Ballot intake: every check the contract will make, done cheaply before the API promises anything,
 * then a durable write to the outbox. Writes from concurrent requests are committed together. A
 * revision is reserved in the shared store before the write, so racing submissions of one resident
 * cannot both pass, whichever instances they reach.
 */
import { isValidChoices } from "../../../contracts/protocol";
import type { SignedBallot } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import { AppError, badRequest, conflict, forbidden, notFound } from "../errors";
import { ChainState } from "../indexer/chainState";
import type { Metrics } from "../metrics";
import { BallotDigester, ballotLeafHex, recoverAddress } from "../../../contracts/protocol/node/ballotCodec";
import type { ActionLimiter } from "../limits/limiter";
import type { ReservationStore } from "./reservations";
import { assertBallotFields } from "./fields";
import type { NewBallot, OutboxBallot, OutboxStore } from "./store";

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export interface Accepted {
  ballotId: string;
  status: OutboxBallot["status"];
  /** True when this exact ballot had been accepted before. */
  duplicate: boolean;
}

interface Waiting {
  ballot: NewBallot;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class BallotService {
  private queue: Waiting[] = [];
  private readonly digester: BallotDigester;
  private flushing = false;

  constructor(
    private readonly chain: Chain,
    private readonly state: ChainState,
    private readonly outbox: OutboxStore,
    private readonly reservations: ReservationStore,
    private readonly metrics: Metrics,
    private readonly limiter: ActionLimiter,
    private readonly onAccepted: () => void,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.digester = new BallotDigester(chain.domain);
  }

  /** Checks and stores a ballot; `address` is the sender's network address, for the re-vote limit. */
  async submit(ballot: SignedBallot, address?: string): Promise<Accepted> {
    try {
      return await this.check(ballot, address);
    } catch (err) {
      if (err instanceof AppError) this.metrics.ballotsRejected.inc({ code: err.code });
      throw err;
    }
  }

  async get(ballotId: string): Promise<OutboxBallot> {
    const found = /^0x[0-9a-f]{64}$/.test(ballotId) ? await this.outbox.get(ballotId) : null;
    // A secret ballot's status is read at /api/secret-ballots/:ballotId.
    if (!found || found.secret) throw notFound("BALLOT_NOT_FOUND", "no ballot with this id was accepted here");
    return found;
  }

  private async check(ballot: SignedBallot, address: string | undefined): Promise<Accepted> {
    const voter = this.signer(ballot);
    const id = ballotLeafHex({ ...ballot, voter });
    const existing = await this.outbox.get(id);
    // A failed ballot sent again is checked afresh: if the contract would count it now, it is retried.
    if (existing && existing.status !== "failed") return { ballotId: id, status: existing.status, duplicate: true };

    const pollId = Number(ballot.pollId);
    const poll = await this.state.poll(pollId);
    if (!poll) throw notFound("POLL_NOT_FOUND", `poll ${pollId} does not exist`);
    if (poll.census) throw conflict("POLL_IS_SECRET", `poll ${pollId} is secret: send a secret ballot with a proof`);
    const status = ChainState.statusAt(poll, this.nowSeconds());
    if (status !== "Active")
      throw conflict("POLL_NOT_ACTIVE", `poll ${pollId} is ${status.toLowerCase()}`, { state: status });

    const record = await this.state.voter(voter);
    if (!record) throw forbidden("VOTER_NOT_ENROLLED", "the signing key is not an enrolled voter key");
    if (!record.active) throw forbidden("VOTER_KEY_REVOKED", "the signing key was revoked or replaced");
    const inScope =
      poll.cityWide ||
      poll.districts.includes(record.district) ||
      (poll.block === 0 && (await this.chain.ballotBox.inScope(pollId, record.district)));
    if (!inScope) throw forbidden("VOTER_NOT_IN_SCOPE", `district ${record.district} does not vote in poll ${pollId}`);
    if (!isValidChoices(poll.questions, ballot.choices)) {
      throw badRequest(
        "BALLOT_INVALID_CHOICES",
        "each question needs 1 to maxChoices of its options, and nothing else",
      );
    }

    const revision = Number(ballot.revision);
    const refuse = (last: number) => this.refusal(poll.revote, revision, last);
    const counted = this.state.lastRevision(pollId, record.resident);
    let last = Math.max(counted, await this.reservations.highest(pollId, record.resident, id, Date.now()));
    refuse(last);
    const reservation = await this.reservations.reserve(pollId, record.resident, revision, id, Date.now());
    if (!reservation.ok) {
      // Another ballot of this resident got there first.
      last = Math.max(last, reservation.revision);
      refuse(Math.max(last, revision));
    }

    try {
      // Each re-vote is a transaction the city pays for: limited per resident and per address.
      if (last > 0) await this.limiter.take("revote", record.resident, address);
      if (existing) {
        // Another request retried it first: answer as for any repeat.
        if (!(await this.outbox.retryFailed(id, Date.now()))) {
          this.reservations.settle(pollId, record.resident, id);
          return { ballotId: id, status: (await this.outbox.get(id))?.status ?? "accepted", duplicate: true };
        }
      } else {
        await this.store({
          id,
          pollId,
          voter,
          resident: record.resident,
          choices: ballot.choices,
          revision,
          signature: ballot.signature,
          secret: null,
        });
      }
    } catch (err) {
      // Not in the outbox: the revision is free again. Once there, the ballot holds it, and gives it up
      // if it fails on-chain.
      await this.reservations.release(pollId, record.resident, id).catch(() => undefined);
      throw err;
    }
    this.reservations.settle(pollId, record.resident, id);
    this.metrics.ballotsAccepted.inc();
    this.onAccepted();
    return { ballotId: id, status: "accepted", duplicate: false };
  }

  /** Throws the error the contract would revert with if `revision` follows `last`. */
  private refusal(revote: boolean, revision: number, last: number): void {
    if (!revote) {
      if (last > 0)
        throw conflict(
          "BALLOT_ALREADY_CAST",
          "this resident has already voted in this poll, which does not allow re-voting",
        );
      if (revision !== 1) throw badRequest("BALLOT_INVALID_REVISION", "a poll without re-voting takes revision 1 only");
    } else if (revision <= last) {
      throw conflict("BALLOT_STALE_REVISION", `a re-vote must have a revision above ${last}`, { lastRevision: last });
    }
  }

  /** The key that signed the ballot; refuses signatures the contract would refuse. */
  private signer(ballot: SignedBallot): string {
    assertBallotFields(ballot);
    const sig = ballot.signature;
    // The contract takes 65-byte signatures with low s and v of 27 or 28 only.
    const canonical =
      /^0x[0-9a-fA-F]{130}$/.test(sig) &&
      BigInt(`0x${sig.slice(66, 130)}`) <= SECP256K1_HALF_N &&
      ["1b", "1c"].includes(sig.slice(130, 132).toLowerCase());
    if (!canonical) throw badRequest("BALLOT_INVALID_SIGNATURE", "the signature is malformed or not canonical");
    const digest = this.digester.digest(ballot.pollId, ballot.choices, ballot.revision);
    const signer = recoverAddress(digest, Buffer.from(sig.slice(2), "hex"));
    if (!signer) throw badRequest("BALLOT_INVALID_SIGNATURE", "the signature is malformed or not canonical");
    return signer;
  }

  /**
   * Resolves once the ballot is on disk, committed together with others that arrived meanwhile (open
   * and secret ballots alike).
   */
  store(ballot: NewBallot): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ballot, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** One durable write at a time; what arrives meanwhile goes into the next. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.outbox.addAll(
          batch.map((w) => w.ballot),
          Date.now(),
        );
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.flushing = false;
  }
}
