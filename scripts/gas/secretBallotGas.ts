/**
 * Gas of secret ballots for `npm run gas`: real Semaphore proofs (made in Node with the npm proving
 * files) for residents of a few buildings, in a one-vote and a re-vote secret poll.
 */
import hre from "hardhat";
import { id as hashText } from "ethers";
import type { Signer } from "ethers";
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import { buildCensus, censusAreaArgument, proofDepthFor, secretMessage, secretScope } from "../../contracts/protocol";
import type { BallotBox, Census } from "../../contracts/protocol";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";

export const SECRET_GOAL = 300_000;
const BUILDINGS = [101, 102, 103, 104];
const RESIDENTS = 64;
const REVOTES = 16;

export interface SecretMeasured {
  gas: number;
  hash: string;
  data: string;
}

interface Member {
  identity: Identity;
  building: number;
}

/** Enrols residents with identities in a few buildings; returns them and their census. */
async function residents(box: BallotBox, registrar: Signer): Promise<{ members: Member[]; census: Census }> {
  const members: Member[] = [];
  const entries = [];
  for (let i = 0; i < RESIDENTS; i++) {
    const residentId = hashText(`gas-secret-resident-${i}`);
    const key = `0x${(0x5ec0000 + i).toString(16).padStart(40, "0")}`;
    const building = BUILDINGS[i % BUILDINGS.length]!;
    await (await box.connect(registrar).enrol(residentId, key, building)).wait();
    const identity = new Identity(`gas-secret-identity-${i}`);
    await (await box.connect(registrar).commitIdentity(residentId, identity.commitment, building)).wait();
    members.push({ identity, building });
    entries.push({
      resident: Number(await box.residentOf(residentId)),
      area: building,
      commitment: identity.commitment,
    });
  }
  return { members, census: buildCensus(entries) };
}

async function createSecretPoll(box: BallotBox, admin: Signer, census: Census, revote: boolean): Promise<bigint> {
  const latest = await hre.ethers.provider.getBlock("latest");
  const now = latest?.timestamp ?? 0;
  await (
    await box.connect(admin).createSecretPoll(
      {
        contentHash: hashText("secret gas poll"),
        uri: "ipfs://gas-secret-poll",
        start: now,
        end: now + 30 * 24 * 3600,
        questions: [{ options: 2, maxChoices: 1 }],
        districts: BUILDINGS,
        revote,
        points: 0,
      },
      {
        root: census.root,
        areas: census.areas.length,
        eligible: census.eligible,
        snapshotBlock: (latest?.number ?? 1) - 1,
      },
    )
  ).wait();
  return box.pollCount();
}

async function castSecret(
  box: BallotBox,
  relayer: Signer,
  census: Census,
  member: Member,
  pollId: bigint,
  choices: bigint,
  revision: bigint,
): Promise<SecretMeasured> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const group = new Group(census.areas.find((a) => a.area === member.building)!.commitments);
  const proof = await proveMembership(
    member.identity,
    group,
    secretMessage(choices, revision),
    secretScope(chainId, await box.getAddress(), pollId),
    proofDepthFor(group.size),
  );
  const tx = await box
    .connect(relayer)
    .castSecretBallot(pollId, choices, revision, censusAreaArgument(census, member.building), {
      nullifier: proof.nullifier,
      depth: proof.merkleTreeDepth,
      points: proof.points,
    });
  const receipt = await tx.wait();
  if (!receipt) throw new Error("secret ballot was not mined");
  return { gas: Number(receipt.gasUsed), hash: tx.hash, data: tx.data };
}

/** Measures first, typical and re-vote secret ballots; returns labelled gas figures and ballots to trace. */
export async function measureSecretBallots(box: BallotBox, admin: Signer, registrar: Signer, relayer: Signer) {
  const { members, census } = await residents(box, registrar);
  const rows: { name: string; value: number }[] = [];
  const traced: [string, SecretMeasured][] = [];
  const mean = (xs: readonly SecretMeasured[]) => Math.round(xs.reduce((a, b) => a + b.gas, 0) / xs.length);
  const median = (xs: readonly SecretMeasured[]) => [...xs].sort((a, b) => a.gas - b.gas)[Math.floor(xs.length / 2)]!;
  for (const revote of [false, true]) {
    const pollId = await createSecretPoll(box, admin, census, revote);
    const kind = revote ? "re-vote secret poll" : "one-vote secret poll";
    const counted: SecretMeasured[] = [];
    for (const [n, member] of members.entries()) {
      counted.push(await castSecret(box, relayer, census, member, pollId, BigInt(1 + (n % 2)), 1n));
    }
    const later = counted.slice(BUILDINGS.length * 2);
    rows.push({ name: `first secret ballot of a ${kind}`, value: counted[0]!.gas });
    rows.push({ name: `typical secret ballot in a ${kind}, mean of ${later.length}`, value: mean(later) });
    rows.push({
      name: `typical secret ballot in a ${kind}, max of ${later.length}`,
      value: Math.max(...later.map((m) => m.gas)),
    });
    traced.push([`typical secret ballot, ${kind}`, median(later)]);
    if (revote) {
      const revotes: SecretMeasured[] = [];
      for (const [n, member] of members.slice(0, REVOTES).entries()) {
        revotes.push(await castSecret(box, relayer, census, member, pollId, BigInt(2 - (n % 2)), 2n));
      }
      rows.push({ name: `secret re-vote, mean of ${REVOTES}`, value: mean(revotes) });
      traced.push(["secret re-vote", median(revotes)]);
    }
  }
  return { rows, traced };
}
