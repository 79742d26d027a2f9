/**
 * A small TypeScript reference model of the ballot box: the voter registry, polls, each resident's
 * record per poll, tallies, points and the ballot tree. Every call predicts what the contract does:
 * either it applies the change and answers `ok`, or it changes nothing and names the custom error
 * the contract must revert with, with its arguments, checked in the contract's own order.
 *
 * Signatures are outside the model: a ballot is given by the address the contract recovers.
 * Poll time is reduced to open or closed (polls open when created; `closePoll` ends them).
 */
import { ZeroAddress, ZeroHash, getAddress } from "ethers";
import {
  MAX_REVISION,
  PollCount,
  ballotLeaf,
  buildBallotTree,
  isValidChoices,
  totalOptions,
  treeRoot,
} from "../../contracts/protocol";
import type { Question } from "../../contracts/protocol";

export type Outcome = { ok: true } | { ok: false; error: string; args: unknown[] };

const OK: Outcome = { ok: true };

function rejected(error: string, ...args: unknown[]): Outcome {
  return { ok: false, error, args };
}

/** Poll state numbers of the contract's enum that the model reaches. */
const ACTIVE = 1;
const CLOSED = 2;

export interface ModelPollParams {
  questions: Question[];
  /** Empty for a city-wide poll. */
  districts: number[];
  revote: boolean;
  points: number;
}

interface ResidentRecord {
  revision: bigint;
  choices: bigint;
}

interface ModelPoll extends ModelPollParams {
  closed: boolean;
  count: PollCount;
  leaves: string[];
  records: Map<number, ResidentRecord>;
}

interface ModelResident {
  key: string | null;
  district: number;
  points: bigint;
}

export class BallotBoxModel {
  private readonly residentNumbers = new Map<string, number>();
  /** Resident n is at index n - 1. */
  private readonly residents: ModelResident[] = [];
  /** Every key ever enrolled, to its resident: keys are never reused. */
  private readonly keyHolders = new Map<string, number>();
  /** Poll n is at index n - 1. */
  private readonly polls: ModelPoll[] = [];

  enrol(residentId: string, key: string, district: number): Outcome {
    const address = getAddress(key);
    if (address === ZeroAddress) return rejected("RegistryZeroKey");
    if (residentId === ZeroHash) return rejected("RegistryZeroResidentId");
    const existing = this.residentNumbers.get(residentId);
    const number = existing ?? this.residents.length + 1;
    const record = existing === undefined ? undefined : this.resident(existing);
    const holder = this.keyHolders.get(address);
    if (holder !== undefined && !(holder === number && record?.key === address)) {
      return rejected("RegistryKeyTaken", address, holder);
    }
    if (record) {
      record.key = address;
      record.district = district;
    } else {
      this.residentNumbers.set(residentId, number);
      this.residents.push({ key: address, district, points: 0n });
    }
    this.keyHolders.set(address, number);
    return OK;
  }

  revoke(residentId: string): Outcome {
    const number = this.residentNumbers.get(residentId);
    if (number === undefined) return rejected("RegistryUnknownResident", residentId);
    const record = this.resident(number);
    if (record.key === null) return rejected("RegistryNoActiveKey", residentId);
    record.key = null;
    return OK;
  }

  /** Adds a valid, open poll; returns its id. */
  createPoll(params: ModelPollParams): bigint {
    this.polls.push({
      ...params,
      closed: false,
      count: new PollCount(totalOptions(params.questions)),
      leaves: [],
      records: new Map(),
    });
    return BigInt(this.polls.length);
  }

  closePoll(pollId: bigint): Outcome {
    const poll = this.poll(pollId);
    if (poll.closed) return rejected("PollUnexpectedState", pollId, CLOSED);
    poll.closed = true;
    return OK;
  }

  /** A ballot whose signature recovers to `voter`. */
  castBallot(pollId: bigint, voter: string, choices: bigint, revision: bigint): Outcome {
    if (pollId < 1n || pollId > BigInt(this.polls.length)) return rejected("PollUnknown", pollId);
    const poll = this.poll(pollId);
    if (poll.closed) return rejected("PollUnexpectedState", pollId, CLOSED);

    const address = getAddress(voter);
    const number = this.keyHolders.get(address);
    if (number === undefined) return rejected("BallotUnknownVoter", address);
    const resident = this.resident(number);
    if (resident.key !== address) return rejected("BallotKeyRevoked", address);
    if (poll.districts.length > 0 && !poll.districts.includes(resident.district)) {
      return rejected("BallotNotInScope", pollId, address, resident.district);
    }
    if (!isValidChoices(poll.questions, choices)) return rejected("BallotInvalidChoices", pollId, choices);

    const previous = poll.records.get(number);
    if (!poll.revote) {
      if (previous) return rejected("BallotAlreadyCast", pollId, address);
      if (revision !== 1n) return rejected("BallotStaleRevision", pollId, address, revision, 0n);
    } else {
      const last = previous?.revision ?? 0n;
      if (revision <= last || revision > BigInt(MAX_REVISION)) {
        return rejected("BallotStaleRevision", pollId, address, revision, last);
      }
    }

    if (!previous) resident.points += BigInt(poll.points);
    poll.records.set(number, { revision, choices });
    poll.count.add({ resident: number, choices });
    poll.leaves.push(ballotLeaf({ pollId, voter: address, choices, revision }));
    return OK;
  }

  state(pollId: bigint): number {
    return this.poll(pollId).closed ? CLOSED : ACTIVE;
  }

  tallies(pollId: bigint): bigint[] {
    return this.poll(pollId).count.tallies();
  }

  ballots(pollId: bigint): bigint {
    return BigInt(this.poll(pollId).leaves.length);
  }

  root(pollId: bigint): string {
    return treeRoot(buildBallotTree(this.poll(pollId).leaves));
  }

  /** As the contract's `ballotOf`: the last revision and, on re-vote polls, its choices. */
  ballotOf(pollId: bigint, resident: number): [bigint, bigint] {
    const poll = this.poll(pollId);
    const record = poll.records.get(resident);
    if (!record) return [0n, 0n];
    return poll.revote ? [record.revision, record.choices] : [1n, 0n];
  }

  /** The revision of the resident's last counted ballot in the poll (0 if none). */
  lastRevision(pollId: bigint, resident: number): bigint {
    return this.poll(pollId).records.get(resident)?.revision ?? 0n;
  }

  pointsOf(resident: number): bigint {
    return this.resident(resident).points;
  }

  residentOf(residentId: string): number {
    return this.residentNumbers.get(residentId) ?? 0;
  }

  /** The resident's active key, or null once revoked. */
  keyOf(resident: number): string | null {
    return this.resident(resident).key;
  }

  districtOf(resident: number): number {
    return this.resident(resident).district;
  }

  questionsOf(pollId: bigint): Question[] {
    return this.poll(pollId).questions;
  }

  get pollCount(): number {
    return this.polls.length;
  }

  get residentCount(): number {
    return this.residents.length;
  }

  private poll(pollId: bigint): ModelPoll {
    const poll = this.polls[Number(pollId) - 1];
    if (!poll) throw new RangeError(`model has no poll ${pollId}`);
    return poll;
  }

  private resident(number: number): ModelResident {
    const record = this.residents[number - 1];
    if (!record) throw new RangeError(`model has no resident ${number}`);
    return record;
  }
}
