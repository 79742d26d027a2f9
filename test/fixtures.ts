/**
 * Test fixtures on Hardhat's in-process network. `deployVecheFixture` runs the production deploy code
 * and hands out every role to its own signer, so tests can check who may do what.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, id as hashText } from "ethers";
import type { HDNodeWallet } from "ethers";
import { deployVeche } from "../node/deploy/deployVeche";
import { ballotDomain, BALLOT_TYPES, ballotMessage, REDEMPTION_TYPES } from "../contracts/protocol/ballot";
import type { Ballot } from "../contracts/protocol/ballot";
import type { BallotBox } from "../contracts/protocol/contract";
import type { Question } from "../contracts/protocol/choices";

export async function deployVecheFixture() {
  const [admin, pollAdmin, registrar, relayer, rewards, stranger] = await ethers.getSigners();
  if (!admin || !pollAdmin || !registrar || !relayer || !rewards || !stranger) throw new Error("need 6 signers");
  const { ballotBox, address } = await deployVeche(admin, admin.address, {
    pollAdmin: [pollAdmin.address],
    registrar: [registrar.address],
    relayer: [relayer.address],
    rewards: [rewards.address],
  });
  const { chainId } = await ethers.provider.getNetwork();
  const domain = ballotDomain(chainId, address);
  return { ballotBox, address, chainId, domain, admin, pollAdmin, registrar, relayer, rewards, stranger };
}

export type VecheFixture = Awaited<ReturnType<typeof deployVecheFixture>>;

export interface PollOptions {
  questions?: Question[];
  districts?: number[];
  revote?: boolean;
  points?: number;
  /** Seconds from now until the poll opens (0 = open in the next block). */
  startsIn?: number;
  durationSeconds?: number;
}

/** Creates a poll; returns its id. */
export async function createPoll(f: VecheFixture, options: PollOptions = {}): Promise<bigint> {
  const now = await time.latest();
  const start = now + (options.startsIn ?? 0);
  const params = {
    contentHash: hashText("poll text"),
    uri: "ipfs://poll",
    start,
    end: start + (options.durationSeconds ?? 7 * 24 * 3600),
    questions: options.questions ?? [{ options: 2, maxChoices: 1 }],
    districts: options.districts ?? [],
    revote: options.revote ?? false,
    points: options.points ?? 10,
  };
  const pollId = (await f.ballotBox.pollCount()) + 1n;
  await (await f.ballotBox.connect(f.pollAdmin).createPoll(params)).wait();
  return pollId;
}

/** A new voter key enrolled for a new resident in `district`. */
export async function enrolVoter(f: VecheFixture, district = 1, residentId = hashText(`resident-${Math.random()}`)) {
  const key = Wallet.createRandom();
  await (await f.ballotBox.connect(f.registrar).enrol(residentId, key.address, district)).wait();
  return { key, residentId, resident: Number(await f.ballotBox.residentOf(residentId)) };
}

export function signBallot(
  f: Pick<VecheFixture, "domain">,
  key: HDNodeWallet | Wallet,
  ballot: Ballot,
): Promise<string> {
  return key.signTypedData(f.domain, BALLOT_TYPES, ballotMessage(ballot));
}

export function signRedemption(
  f: Pick<VecheFixture, "domain">,
  key: HDNodeWallet | Wallet,
  rewardId: bigint,
  nonce: bigint,
) {
  return key.signTypedData(f.domain, REDEMPTION_TYPES, { rewardId, nonce });
}

/** Signs and relays a ballot; returns the transaction receipt. */
export async function castBallot(
  f: VecheFixture,
  key: HDNodeWallet | Wallet,
  ballot: Ballot,
  box: BallotBox = f.ballotBox,
) {
  const signature = await signBallot(f, key, ballot);
  const tx = await box.connect(f.relayer).castBallot(ballot.pollId, ballot.choices, ballot.revision, signature);
  return tx.wait();
}
