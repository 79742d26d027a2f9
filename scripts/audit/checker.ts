/**
 * The audit's judgement, apart from any fetching: replays a poll's history in chain order the way the
 * contract must have executed it, and compares the outcome with what the contract stores. Pure, so a
 * test can hand it a history it has tampered with.
 */
import {
  ballotDomain,
  buildBallotTree,
  isValidChoices,
  PollCount,
  totalOptions,
  treeRoot,
  ZERO_ROOT,
} from "../../contracts/protocol";
import { BallotDigester, leafFromWords, uintWord } from "../../contracts/protocol/node/ballotCodec";
import { keccak256Native, recoverAddress } from "../../contracts/protocol/node/native";
import { before } from "./history";
import type { BallotRecord, OnChainPoll, PollDefinition, PollHistory, PollLifecycle, RegistryEvent } from "./history";

export type FindingCode =
  | "POLL_NOT_FOUND"
  | "LEAF_INDEX_MISMATCH"
  | "SIGNATURE_INVALID"
  | "SIGNER_MISMATCH"
  | "VOTER_UNKNOWN"
  | "KEY_NOT_ACTIVE"
  | "RESIDENT_MISMATCH"
  | "NOT_IN_SCOPE"
  | "CHOICES_INVALID"
  | "REVISION_INVALID"
  | "OUTSIDE_WINDOW"
  | "BLOCK_TIME_MISSING"
  | "BALLOT_COUNT_MISMATCH"
  | "TALLY_MISMATCH"
  | "ROOT_MISMATCH"
  | "FINAL_RESULT_MISSING"
  | "FINAL_BALLOTS_MISMATCH"
  | "FINAL_TALLY_MISMATCH"
  | "FINAL_ROOT_MISMATCH"
  | "CENSUS_MISMATCH"
  | "ELIGIBLE_MISMATCH"
  | "DUPLICATE_COMMITMENT"
  | "INPUT_MISMATCH"
  | "CENSUS_AREA_MISMATCH"
  | "PROOF_INVALID"
  | "AREA_CHANGED"
  | "AREA_UNKNOWN"
  | "AREA_TALLY_MISMATCH";

export interface Finding {
  code: FindingCode;
  message: string;
  leafIndex?: number;
  txHash?: string;
}

export interface AuditReport {
  pollId: string;
  /** The block the audit read the chain at. */
  block: number;
  state: string;
  ok: boolean;
  ballots: number;
  voters: number;
  /** Recounted votes per option of each question. */
  questions: { options: string[] }[];
  tallies: string[];
  onChainTallies: string[];
  root: string;
  onChainRoot: string;
  finalRoot: string | null;
  findings: Finding[];
  /** Findings per code, including those left out of `findings`. */
  findingCounts: Partial<Record<FindingCode, number>>;
  /** A secret poll's census and per-area recount; absent for an open poll. */
  secret?: SecretSection;
}

export interface SecretSection {
  census: { root: string; onChainRoot: string; eligible: number; snapshotBlock: number; areaKind: string };
  areas: { area: number; eligible: number; voters: number; tallies: string[]; onChainTallies: string[] }[];
  /** Proofs checked again through the verifier. */
  proofsChecked: number;
}

/** Findings kept per code; a history broken everywhere would otherwise print a million lines. */
export const KEEP_PER_CODE = 50;

interface ResidentRecord {
  key: string | null;
  district: number;
}

/** Replays the registry up to each ballot: who held which key, in which district, at that point. */
class RegistryReplay {
  private readonly keyResident = new Map<string, number>();
  private readonly residents = new Map<number, ResidentRecord>();
  private next = 0;

  constructor(private readonly events: readonly RegistryEvent[]) {}

  advanceTo(at: BallotRecord): void {
    for (let e = this.events[this.next]; e && before(e, at); e = this.events[++this.next]) {
      if (e.kind === "enrolled") {
        this.keyResident.set(e.key, e.resident);
        this.residents.set(e.resident, { key: e.key, district: e.district });
      } else {
        const r = this.residents.get(e.resident);
        if (r?.key === e.key) r.key = null;
      }
    }
  }

  lookup(key: string): { resident: number; active: boolean; district: number } | null {
    const resident = this.keyResident.get(key);
    if (resident === undefined) return null;
    const record = this.residents.get(resident);
    return { resident, active: record?.key === key, district: record?.district ?? 0 };
  }
}

export interface CheckOptions {
  /** Default true; the speed benchmark turns these off to time the recount and the root alone. */
  checkSignatures?: boolean;
  checkEligibility?: boolean;
}

export class PollChecker {
  readonly findings: Finding[] = [];
  readonly findingCounts: Partial<Record<FindingCode, number>> = {};
  private readonly leaves: Buffer[] = [];
  private readonly count: PollCount;
  private readonly registry: RegistryReplay;
  private readonly digester: BallotDigester;
  /** Revisions above 0xffff are refused, so a number holds every valid one. */
  private readonly lastRevision = new Map<number, number>();
  private readonly scope: Set<number> | null;
  private readonly pollWord: string;

  constructor(
    private readonly history: Omit<PollHistory, "ballots">,
    private readonly options: CheckOptions = {},
  ) {
    const poll = history.poll;
    this.count = new PollCount(poll ? totalOptions(poll.questions) : 0);
    this.registry = new RegistryReplay(history.registry);
    this.digester = new BallotDigester(ballotDomain(history.chainId, history.ballotBox));
    this.scope = poll && poll.districts.length > 0 ? new Set(poll.districts) : null;
    this.pollWord = uintWord(history.pollId);
    if (!poll) this.report("POLL_NOT_FOUND", `no PollCreated event for poll ${history.pollId}`);
  }

  /** The leaves rebuilt so far, in leaf order. */
  get leafBuffers(): readonly Buffer[] {
    return this.leaves;
  }

  /** Checks and counts the next ballot in chain order. */
  add(b: BallotRecord): void {
    const poll = this.history.poll;
    const where = { leafIndex: b.leafIndex, txHash: b.txHash };
    if (b.leafIndex !== this.leaves.length) {
      this.report(
        "LEAF_INDEX_MISMATCH",
        `ballot in tx ${b.txHash} has leaf index ${b.leafIndex}, expected ${this.leaves.length}`,
        where,
      );
    }
    const voter = b.voter.toLowerCase();
    const choicesWord = uintWord(b.choices);
    const revisionWord = uintWord(b.revision);
    this.leaves.push(leafFromWords(this.pollWord, voter.slice(2).padStart(64, "0"), choicesWord, revisionWord));
    this.count.add(b);
    if (!poll) return;

    if (this.options.checkSignatures !== false) this.checkSignature(b, voter, choicesWord, revisionWord);
    if (this.options.checkEligibility !== false) this.checkEligibility(b, voter, poll);
    if (!isValidChoices(poll.questions, b.choices)) {
      this.report("CHOICES_INVALID", `leaf ${b.leafIndex}: choices ${b.choices} break the poll's questions`, where);
    }
    this.checkRevision(b, poll);
    this.checkWindow(b, poll, this.history.lifecycle);
  }

  /** Compares the recount and the rebuilt tree with what the contract stores. */
  finish(onChain: OnChainPoll): AuditReport {
    const tree = buildBallotTree(this.leaves, keccak256Native);
    const root = this.leaves.length === 0 ? ZERO_ROOT : treeRoot(tree);
    const tallies = this.count.tallies();
    const poll = this.history.poll;

    if (onChain.ballots !== this.leaves.length) {
      this.report(
        "BALLOT_COUNT_MISMATCH",
        `the contract counts ${onChain.ballots} ballots, the events hold ${this.leaves.length}`,
      );
    }
    this.compareTallies("TALLY_MISMATCH", "the contract's tally", tallies, onChain.tallies);
    if (root !== onChain.ballotRoot.toLowerCase()) {
      this.report("ROOT_MISMATCH", `rebuilt root ${root} differs from the contract's ballotRoot ${onChain.ballotRoot}`);
    }

    const final = this.history.lifecycle.finalized;
    if (onChain.state === "Finalized" && !final) {
      this.report("FINAL_RESULT_MISSING", "the contract says Finalized but there is no PollFinalized event");
    }
    if (final) {
      if (final.ballots !== this.leaves.length) {
        this.report(
          "FINAL_BALLOTS_MISMATCH",
          `PollFinalized says ${final.ballots} ballots, the events hold ${this.leaves.length}`,
        );
      }
      this.compareTallies("FINAL_TALLY_MISMATCH", "the published final tally", tallies, final.tallies);
      if (final.root !== root) {
        this.report("FINAL_ROOT_MISMATCH", `rebuilt root ${root} differs from the published final root ${final.root}`);
      }
      if (onChain.finalRoot.toLowerCase() !== final.root) {
        this.report(
          "FINAL_ROOT_MISMATCH",
          `stored finalRoot ${onChain.finalRoot} differs from PollFinalized's ${final.root}`,
        );
      }
    }

    return {
      pollId: this.history.pollId.toString(),
      block: onChain.block,
      state: onChain.state,
      ok: this.findings.length === 0,
      ballots: this.leaves.length,
      voters: this.count.voters,
      questions: poll ? perQuestion(poll, tallies) : [],
      tallies: tallies.map(String),
      onChainTallies: onChain.tallies.map(String),
      root,
      onChainRoot: onChain.ballotRoot.toLowerCase(),
      finalRoot: final?.root ?? null,
      findings: this.findings,
      findingCounts: this.findingCounts,
    };
  }

  private checkSignature(b: BallotRecord, voter: string, choicesWord: string, revisionWord: string): void {
    const signature = /^0x[0-9a-fA-F]{130}$/.test(b.signature) ? Buffer.from(b.signature.slice(2), "hex") : null;
    const signer = signature
      ? recoverAddress(this.digester.digestFromWords(this.pollWord, choicesWord, revisionWord), signature)
      : null;
    const where = { leafIndex: b.leafIndex, txHash: b.txHash };
    if (signer === null) this.report("SIGNATURE_INVALID", `leaf ${b.leafIndex}: the signature recovers no key`, where);
    else if (signer !== voter) {
      this.report("SIGNER_MISMATCH", `leaf ${b.leafIndex}: signed by ${signer}, event names ${voter}`, where);
    }
  }

  private checkEligibility(b: BallotRecord, voter: string, poll: PollDefinition): void {
    const where = { leafIndex: b.leafIndex, txHash: b.txHash };
    this.registry.advanceTo(b);
    const record = this.registry.lookup(voter);
    if (!record) {
      this.report("VOTER_UNKNOWN", `leaf ${b.leafIndex}: key ${voter} was not enrolled at block ${b.block}`, where);
      return;
    }
    if (!record.active) {
      this.report(
        "KEY_NOT_ACTIVE",
        `leaf ${b.leafIndex}: key ${voter} was not an active key at block ${b.block}`,
        where,
      );
    }
    if (record.resident !== b.resident) {
      this.report(
        "RESIDENT_MISMATCH",
        `leaf ${b.leafIndex}: key ${voter} belongs to resident ${record.resident}, event names ${b.resident}`,
        where,
      );
    }
    if (this.scope && !this.scope.has(record.district)) {
      this.report(
        "NOT_IN_SCOPE",
        `leaf ${b.leafIndex}: district ${record.district} is outside poll ${poll.pollId}`,
        where,
      );
    }
  }

  private checkRevision(b: BallotRecord, poll: PollDefinition): void {
    const last = this.lastRevision.get(b.resident) ?? 0;
    const revision = b.revision <= 0xffffn ? Number(b.revision) : -1;
    const ok = poll.revote ? revision > last : last === 0 && revision === 1;
    if (!ok) {
      this.report(
        "REVISION_INVALID",
        `leaf ${b.leafIndex}: revision ${b.revision} after ${last} for resident ${b.resident}${poll.revote ? "" : " (no re-voting)"}`,
        { leafIndex: b.leafIndex, txHash: b.txHash },
      );
    }
    if (revision > last) this.lastRevision.set(b.resident, revision);
  }

  private checkWindow(b: BallotRecord, poll: PollDefinition, lifecycle: PollLifecycle): void {
    const where = { leafIndex: b.leafIndex, txHash: b.txHash };
    const time = this.history.blockTimes.get(b.block);
    if (time === undefined) {
      this.report("BLOCK_TIME_MISSING", `leaf ${b.leafIndex}: no timestamp for block ${b.block}`, where);
      return;
    }
    const ended = [lifecycle.closed?.at, lifecycle.cancelled?.at, lifecycle.finalized?.at].some(
      (at) => at !== undefined && !before(b, at),
    );
    if (time < poll.start || time >= poll.end || ended || before(b, poll.created)) {
      this.report("OUTSIDE_WINDOW", `leaf ${b.leafIndex}: block ${b.block} is outside the poll's voting window`, where);
    }
  }

  private compareTallies(code: FindingCode, what: string, recount: bigint[], other: readonly bigint[]): void {
    if (other.length !== recount.length) {
      this.report(code, `${what} has ${other.length} options, the poll ${recount.length}`);
      return;
    }
    recount.forEach((votes, option) => {
      if (other[option] !== votes) this.report(code, `option ${option}: recount ${votes}, ${what} ${other[option]}`);
    });
  }

  private report(code: FindingCode, message: string, where: { leafIndex?: number; txHash?: string } = {}): void {
    const seen = (this.findingCounts[code] ?? 0) + 1;
    this.findingCounts[code] = seen;
    if (seen <= KEEP_PER_CODE) this.findings.push({ code, message, ...where });
  }
}

/** Replays `history` and compares it with `onChain`. */
export function checkPoll(history: PollHistory, onChain: OnChainPoll, options?: CheckOptions): AuditReport {
  const checker = new PollChecker(history, options);
  for (const b of history.ballots) checker.add(b);
  return checker.finish(onChain);
}

export function perQuestion(poll: PollDefinition, tallies: readonly bigint[]): { options: string[] }[] {
  let offset = 0;
  return poll.questions.map((q) => {
    const options = tallies.slice(offset, offset + q.options).map(String);
    offset += q.options;
    return { options };
  });
}
