/**
 * Contract events as the indexer keeps them: the protocol's decoded events (contracts/protocol/events)
 * with where each sits in the chain, numbers as numbers, keys checksummed and each ballot's leaf.
 */
import { decodeEvent } from "../../../contracts/protocol";
import { secretBallotLeafNative as secretBallotLeaf } from "../../../contracts/protocol/node/secretCodec";
import type { PollParams, RawLog, SecretCensus } from "../../../contracts/protocol";
import { ballotLeafHex } from "../../../contracts/protocol/node/ballotCodec";
import { checksumAddress } from "../../../contracts/protocol/node/native";

interface At {
  block: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
}

/**
 * A counted ballot. An open ballot names its voter key and resident; a secret one has neither (empty
 * voter and signature, resident 0) and carries its nullifier (decimal) and census area instead.
 */
export interface IndexedBallot extends At {
  pollId: number;
  leafIndex: number;
  leaf: string;
  voter: string;
  resident: number;
  choices: bigint;
  revision: number;
  signature: string;
  nullifier: string | null;
  area: number | null;
}

export interface IndexedPoll extends PollParams {
  pollId: number;
}

export type ChainEvent =
  | ({ kind: "ballot" } & IndexedBallot)
  | ({ kind: "voterEnrolled"; residentHash: string; resident: number; key: string; district: number } & At)
  | ({ kind: "voterRevoked"; resident: number; key: string } & At)
  | ({ kind: "identityCommitted"; resident: number; commitment: bigint; building: number } & At)
  | ({ kind: "secretPollCreated"; pollId: number; census: SecretCensus } & At)
  | ({ kind: "pollCreated"; poll: IndexedPoll } & At)
  | ({ kind: "pollClosed"; pollId: number; end: number } & At)
  | ({ kind: "pollCancelled"; pollId: number } & At)
  | ({ kind: "pollFinalized"; pollId: number; ballots: number; root: string; tallies: bigint[] } & At)
  | ({ kind: "pollOutcome"; pollId: number; outcomeHash: string; uri: string } & At)
  | ({ kind: "rewardListed"; rewardId: number; cost: number; stock: number; uri: string } & At)
  | ({ kind: "rewardUpdated"; rewardId: number; stock: number; active: boolean } & At)
  | ({ kind: "pointsRedeemed"; resident: number; rewardId: number; cost: number } & At);

/** Decodes one log of the ballot box; null for events the indexer does not keep (e.g. role changes). */
export function decodeLog(log: RawLog): ChainEvent | null {
  const e = decodeEvent(log);
  if (!e) return null;
  const at: At = {
    block: parseInt(log.blockNumber, 16),
    blockHash: log.blockHash ?? "",
    txHash: log.transactionHash,
    logIndex: parseInt(log.logIndex, 16),
  };
  switch (e.name) {
    case "BallotCast":
      return {
        kind: "ballot",
        ...at,
        pollId: Number(e.pollId),
        voter: checksumAddress(e.voter),
        resident: e.resident,
        leafIndex: e.leafIndex,
        choices: e.choices,
        revision: Number(e.revision),
        signature: e.signature,
        leaf: ballotLeafHex(e),
        nullifier: null,
        area: null,
      };
    case "SecretBallotCast":
      return {
        kind: "ballot",
        ...at,
        pollId: Number(e.pollId),
        voter: "",
        resident: 0,
        leafIndex: e.leafIndex,
        choices: e.choices,
        revision: Number(e.revision),
        signature: "",
        leaf: secretBallotLeaf(e),
        nullifier: e.nullifier.toString(),
        area: e.area,
      };
    case "IdentityCommitted":
      return { kind: "identityCommitted", ...at, resident: e.resident, commitment: e.commitment, building: e.building };
    case "SecretPollCreated":
      return { kind: "secretPollCreated", ...at, pollId: Number(e.pollId), census: e.census };
    case "VoterEnrolled":
      return {
        kind: "voterEnrolled",
        ...at,
        residentHash: e.residentId,
        resident: e.resident,
        key: checksumAddress(e.key),
        district: e.district,
      };
    case "VoterRevoked":
      return { kind: "voterRevoked", ...at, resident: e.resident, key: checksumAddress(e.key) };
    case "PollCreated":
      return { kind: "pollCreated", ...at, poll: { pollId: Number(e.pollId), ...e.poll } };
    case "PollClosed":
      return { kind: "pollClosed", ...at, pollId: Number(e.pollId), end: e.end };
    case "PollCancelled":
      return { kind: "pollCancelled", ...at, pollId: Number(e.pollId) };
    case "PollFinalized":
      return {
        kind: "pollFinalized",
        ...at,
        pollId: Number(e.pollId),
        ballots: e.ballots,
        root: e.root,
        tallies: e.tallies,
      };
    case "PollOutcomePublished":
      return { kind: "pollOutcome", ...at, pollId: Number(e.pollId), outcomeHash: e.outcomeHash, uri: e.uri };
    case "RewardListed":
      return { kind: "rewardListed", ...at, rewardId: e.rewardId, cost: e.cost, stock: e.stock, uri: e.uri };
    case "RewardUpdated":
      return { kind: "rewardUpdated", ...at, rewardId: e.rewardId, stock: e.stock, active: e.active };
    case "PointsRedeemed":
      return { kind: "pointsRedeemed", ...at, resident: e.resident, rewardId: e.rewardId, cost: e.cost };
    default:
      return null;
  }
}
