/**
 * The signed ballot: EIP-712 domain and types, the leaf each ballot adds to its poll's tree, and
 * signer recovery. Mirrors contracts/BallotBox.sol.
 */
import { AbiCoder, getAddress, keccak256, TypedDataEncoder, verifyTypedData } from "ethers";
import type { TypedDataDomain, TypedDataField } from "ethers";

export const DOMAIN_NAME = "Veche";
export const DOMAIN_VERSION = "1";

export const BALLOT_TYPES: Record<string, TypedDataField[]> = {
  Ballot: [
    { name: "pollId", type: "uint256" },
    { name: "choices", type: "uint256" },
    { name: "revision", type: "uint256" },
  ],
};

export const REDEMPTION_TYPES: Record<string, TypedDataField[]> = {
  Redemption: [
    { name: "rewardId", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
};

/** What a voter signs. `revision` is 1 for a first ballot and grows with each re-vote. */
export interface Ballot {
  pollId: bigint;
  choices: bigint;
  revision: bigint;
}

export interface SignedBallot extends Ballot {
  /** 65-byte signature, 0x-prefixed hex. */
  signature: string;
}

/** The fields of a counted ballot, as its BallotCast event carries them. */
export interface CastBallot extends SignedBallot {
  /** The signer's address, lower-case. */
  voter: string;
  resident: number;
  leafIndex: number;
}

/** Binds a signature to one chain and one deployed ballot box. */
export function ballotDomain(chainId: bigint | number, ballotBox: string): TypedDataDomain {
  return {
    name: DOMAIN_NAME,
    version: DOMAIN_VERSION,
    chainId: BigInt(chainId),
    verifyingContract: getAddress(ballotBox),
  };
}

export function ballotMessage(ballot: Ballot): Record<string, bigint> {
  return { pollId: ballot.pollId, choices: ballot.choices, revision: ballot.revision };
}

/** The EIP-712 digest the voter signs (the contract's `ballotDigest`). */
export function ballotDigest(domain: TypedDataDomain, ballot: Ballot): string {
  return TypedDataEncoder.hash(domain, BALLOT_TYPES, ballotMessage(ballot));
}

/** The key that signed `ballot` in `domain`; throws on a malformed signature. */
export function recoverBallotSigner(domain: TypedDataDomain, ballot: SignedBallot): string {
  return verifyTypedData(domain, BALLOT_TYPES, ballotMessage(ballot), ballot.signature);
}

const coder = AbiCoder.defaultAbiCoder();

/** keccak256(abi.encode(pollId, voter, choices, revision)), as the contract appends it. */
export function ballotLeaf(ballot: Ballot & { voter: string }): string {
  return keccak256(
    coder.encode(
      ["uint256", "address", "uint256", "uint256"],
      [ballot.pollId, ballot.voter, ballot.choices, ballot.revision],
    ),
  );
}
