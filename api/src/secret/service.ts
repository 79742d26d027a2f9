/**
 * Secret ballot intake: every check the contract will make, done before the API promises anything —
 * the poll is secret and open, the area and its group root are the census's, the choices fit, the
 * revision is above the nullifier's last, and the membership proof verifies (through the deployed
 * verifier, batched) — then a durable write to the shared outbox, relayed like any ballot. Nothing here
 * knows or stores who sent it.
 */
import { isValidChoices } from "../../../contracts/protocol";
import {
  secretBallotLeafNative as secretBallotLeaf,
  secretMessageNative as secretMessage,
  secretScopeNative as secretScope,
} from "../../../contracts/protocol/node/secretCodec";
import type { SecretBallotBody } from "../../wire/secretBallots";
import type { BallotService } from "../ballots/service";
import type { OutboxBallot, OutboxStore } from "../ballots/store";
import { assertBallotFields } from "../ballots/fields";
import type { CensusService } from "../census/service";
import type { Chain } from "../chain/chain";
import { AppError, badRequest, conflict, notFound } from "../errors";
import { ChainState } from "../indexer/chainState";
import type { ActionLimiter } from "../limits/limiter";
import type { Metrics } from "../metrics";
import type { MembershipVerifier } from "./proofVerifier";
import type { SqlNullifierReservations } from "./reservations";

const SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export interface AcceptedSecret {
  ballotId: string;
  status: OutboxBallot["status"];
  duplicate: boolean;
}

export class SecretBallotService {
  constructor(
    private readonly chain: Chain,
    private readonly state: ChainState,
    private readonly censuses: CensusService,
    private readonly verifier: MembershipVerifier,
    private readonly outbox: OutboxStore,
    private readonly ballots: BallotService,
    private readonly reservations: SqlNullifierReservations,
    private readonly metrics: Metrics,
    private readonly limiter: ActionLimiter,
    private readonly onAccepted: () => void,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async submit(body: SecretBallotBody, address?: string): Promise<AcceptedSecret> {
    try {
      return await this.check(body, address);
    } catch (err) {
      if (err instanceof AppError) this.metrics.ballotsRejected.inc({ code: err.code });
      throw err;
    }
  }

  async get(ballotId: string): Promise<OutboxBallot> {
    const found = /^0x[0-9a-f]{64}$/.test(ballotId) ? await this.outbox.get(ballotId) : null;
    if (!found?.secret) throw notFound("BALLOT_NOT_FOUND", "no secret ballot with this id was accepted here");
    return found;
  }

  private async check(body: SecretBallotBody, address: string | undefined): Promise<AcceptedSecret> {
    const started = performance.now();
    assertBallotFields(body);
    const { proof } = body;
    if ([proof.nullifier, proof.root, ...proof.points].some((v) => v >= SNARK_SCALAR_FIELD)) {
      throw badRequest("PROOF_INVALID", "the proof's numbers must be elements of the BN254 field");
    }
    const pollId = Number(body.pollId);
    const poll = await this.state.poll(pollId);
    if (!poll) throw notFound("POLL_NOT_FOUND", `poll ${pollId} does not exist`);
    if (!poll.census) throw conflict("POLL_NOT_SECRET", `poll ${pollId} is not a secret poll; sign an open ballot`);
    const status = ChainState.statusAt(poll, this.nowSeconds());
    if (status !== "Active") {
      throw conflict("POLL_NOT_OPEN", `poll ${pollId} is ${status.toLowerCase()}`, { state: status });
    }
    if (!isValidChoices(poll.questions, body.choices)) {
      throw badRequest(
        "BALLOT_INVALID_CHOICES",
        "each question needs 1 to maxChoices of its options, and nothing else",
      );
    }
    const area = await this.censuses.areaArgument(pollId, body.area);
    if (!area) throw badRequest("CENSUS_AREA_UNKNOWN", `area ${body.area} is not in poll ${pollId}'s census`);
    if (area.root !== proof.root) {
      throw badRequest("CENSUS_ROOT_UNKNOWN", `the proof is not for area ${body.area}'s group in this poll's census`);
    }

    const nullifier = proof.nullifier.toString();
    const revision = Number(body.revision);
    const id = secretBallotLeaf({
      pollId: body.pollId,
      nullifier: proof.nullifier,
      choices: body.choices,
      revision: body.revision,
      area: body.area,
    });
    const existing = await this.outbox.get(id);
    if (existing && existing.status !== "failed") return { ballotId: id, status: existing.status, duplicate: true };

    const counted = this.state.lastSecretRevision(pollId, nullifier);
    let last = Math.max(counted, await this.reservations.highest(pollId, nullifier, id, Date.now()));
    this.refuse(poll.revote, revision, last);
    this.metrics.secretIntakeSeconds.inc({ phase: "checks" }, (performance.now() - started) / 1000);

    const proving = performance.now();
    const valid = await this.verifier.verify({
      points: proof.points,
      root: proof.root,
      nullifier: proof.nullifier,
      message: secretMessage(body.choices, body.revision),
      scope: secretScope(this.chain.chainId, this.chain.deployment.ballotBox, body.pollId),
      depth: proof.depth,
    });
    this.metrics.secretIntakeSeconds.inc({ phase: "proof" }, (performance.now() - proving) / 1000);
    if (!valid) {
      throw badRequest(
        "PROOF_INVALID",
        "the membership proof does not verify for this poll, area, choices and revision",
      );
    }

    const storing = performance.now();
    const reservation = await this.reservations.reserve(pollId, nullifier, revision, id, Date.now());
    if (!reservation.ok) {
      last = Math.max(last, reservation.revision);
      this.refuse(poll.revote, revision, Math.max(last, revision));
    }
    try {
      // Each re-vote is a transaction the city pays for: limited per nullifier and per address.
      if (last > 0) await this.limiter.take("revote", `n${nullifier}`, address);
      if (existing) {
        if (!(await this.outbox.retryFailed(id, Date.now()))) {
          return { ballotId: id, status: (await this.outbox.get(id))?.status ?? "accepted", duplicate: true };
        }
      } else {
        await this.ballots.store({
          id,
          pollId,
          voter: nullifier,
          resident: 0,
          choices: body.choices,
          revision,
          signature: "",
          secret: {
            area: area.area,
            members: area.members,
            root: area.root.toString(),
            index: area.index,
            siblings: area.siblings,
            nullifier,
            depth: proof.depth,
            points: proof.points.map(String),
          },
        });
      }
    } catch (err) {
      await this.reservations.release(pollId, nullifier, id).catch(() => undefined);
      throw err;
    }
    this.metrics.secretIntakeSeconds.inc({ phase: "store" }, (performance.now() - storing) / 1000);
    this.metrics.ballotsAccepted.inc();
    this.onAccepted();
    return { ballotId: id, status: "accepted", duplicate: false };
  }

  /** Throws the error the contract would revert with if `revision` follows `last`. */
  private refuse(revote: boolean, revision: number, last: number): void {
    if (!revote) {
      if (last > 0)
        throw conflict(
          "BALLOT_ALREADY_CAST",
          "this identity has already voted in this poll, which does not allow re-voting",
        );
      if (revision !== 1) throw badRequest("BALLOT_INVALID_REVISION", "a poll without re-voting takes revision 1 only");
    } else if (revision <= last) {
      throw conflict("BALLOT_STALE_REVISION", `a re-vote must have a revision above ${last}`, { lastRevision: last });
    }
  }
}
