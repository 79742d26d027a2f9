/**
 * Secret polls on the contract: a census committed as one root over its areas, ballots that prove
 * membership of one area with a Semaphore proof bound to the poll, the choices and the revision, and
 * nullifiers that count once (or move their tallies on a higher revision). Real proofs throughout.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import {
  buildBallotTree,
  buildCensus,
  censusAreaArgument,
  proofDepthFor,
  secretBallotLeaf,
  secretMessage,
  secretScope,
  treeRoot,
} from "../../contracts/protocol";
import type { Census } from "../../contracts/protocol";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";
import { deployVeche } from "../../node/deploy/deployVeche";
import { deployVecheFixture, enrolVoter } from "../fixtures";
import type { VecheFixture } from "../fixtures";
import { pollParams } from "./helpers";

/** Twelve residents in three areas (buildings 101, 205, 307), each with an identity. */
const AREAS = [101, 205, 307];

async function secretFixture() {
  const f = await deployVecheFixture();
  const residents = [];
  for (let i = 0; i < 12; i++) {
    const area = AREAS[i % AREAS.length]!;
    const voter = await enrolVoter(f, area);
    const identity = new Identity(`secret-fixture-${i}`);
    await (await f.ballotBox.connect(f.registrar).commitIdentity(voter.residentId, identity.commitment, area)).wait();
    residents.push({ ...voter, area, identity });
  }
  const census = buildCensus(
    residents.map((r) => ({ resident: r.resident, area: r.area, commitment: r.identity.commitment })),
  );
  return { ...f, residents, census };
}
type SecretFixture = Awaited<ReturnType<typeof secretFixture>>;

async function createSecretPoll(f: SecretFixture, overrides: { revote?: boolean; census?: Census } = {}) {
  const census = overrides.census ?? f.census;
  const params = await pollParams({
    points: 0,
    revote: overrides.revote ?? false,
    districts: AREAS,
    questions: [{ options: 3, maxChoices: 1 }],
  });
  const snapshotBlock = (await ethers.provider.getBlockNumber()) - 1;
  const pollId = (await f.ballotBox.pollCount()) + 1n;
  const summary = { root: census.root, areas: census.areas.length, eligible: census.eligible, snapshotBlock };
  await (await f.ballotBox.connect(f.pollAdmin).createSecretPoll(params, summary)).wait();
  return pollId;
}

/** A resident's secret ballot: area argument and membership proof. */
async function secretBallot(
  f: VecheFixture & { census: Census },
  member: { identity: Identity; area: number },
  pollId: bigint,
  choices: bigint,
  revision: bigint,
  options: { box?: string; chainId?: bigint; area?: number; census?: Census } = {},
) {
  const census = options.census ?? f.census;
  const area = censusAreaArgument(census, options.area ?? member.area);
  const own = census.areas.find((a) => a.area === member.area)!;
  const group = new Group(own.commitments);
  const depth = proofDepthFor(group.size);
  const proof = await proveMembership(
    member.identity,
    group,
    secretMessage(choices, revision),
    secretScope(options.chainId ?? f.chainId, options.box ?? f.address, pollId),
    depth,
  );
  return {
    area,
    proof: { nullifier: BigInt(proof.nullifier), depth: proof.merkleTreeDepth, points: proof.points.map(BigInt) },
  };
}

function cast(
  f: VecheFixture,
  pollId: bigint,
  choices: bigint,
  revision: bigint,
  b: Awaited<ReturnType<typeof secretBallot>>,
) {
  return f.ballotBox.connect(f.relayer).castSecretBallot(pollId, choices, revision, b.area, b.proof);
}

describe("secret ballots", function () {
  this.timeout(300_000);

  describe("identity commitments", () => {
    it("lets the registrar publish a resident's commitment, replacing the last, and refuses bad ones", async () => {
      const f = await loadFixture(deployVecheFixture);
      const voter = await enrolVoter(f, 7);
      const first = new Identity("first").commitment;
      const second = new Identity("second").commitment;
      await expect(f.ballotBox.connect(f.registrar).commitIdentity(voter.residentId, first, 71))
        .to.emit(f.ballotBox, "IdentityCommitted")
        .withArgs(voter.resident, first, 71);
      await (await f.ballotBox.connect(f.registrar).commitIdentity(voter.residentId, second, 72)).wait();
      expect(await f.ballotBox.identityOf(voter.resident)).to.deep.equal([second, 72n]);
      await expect(f.ballotBox.connect(f.registrar).commitIdentity(voter.residentId, 0, 71))
        .to.be.revertedWithCustomError(f.ballotBox, "RegistryInvalidCommitment")
        .withArgs(0);
      const field = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
      await expect(
        f.ballotBox.connect(f.registrar).commitIdentity(voter.residentId, field, 71),
      ).to.be.revertedWithCustomError(f.ballotBox, "RegistryInvalidCommitment");
      await expect(
        f.ballotBox.connect(f.registrar).commitIdentity(ethers.id("nobody"), first, 71),
      ).to.be.revertedWithCustomError(f.ballotBox, "RegistryUnknownResident");
      await expect(
        f.ballotBox.connect(f.stranger).commitIdentity(voter.residentId, first, 71),
      ).to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount");
    });
  });

  describe("creation", () => {
    it("stores the census as one root and marks the poll secret", async () => {
      const f = await loadFixture(secretFixture);
      const pollId = await createSecretPoll(f);
      const stored = await f.ballotBox.census(pollId);
      expect(stored.root).to.equal(f.census.root);
      expect(stored.areas).to.equal(3n);
      expect(stored.eligible).to.equal(12n);
      expect((await f.ballotBox.poll(pollId)).secret).to.equal(true);
    });

    it("refuses points, an empty census and a snapshot not yet mined", async () => {
      const f = await loadFixture(secretFixture);
      const params = await pollParams({ points: 0 });
      const block = await ethers.provider.getBlockNumber();
      const good = { root: f.census.root, areas: 3, eligible: 12, snapshotBlock: block - 1 };
      const admin = f.ballotBox.connect(f.pollAdmin);
      await expect(admin.createSecretPoll({ ...params, points: 5 }, good))
        .to.be.revertedWithCustomError(f.ballotBox, "PollSecretPoints")
        .withArgs(5);
      await expect(admin.createSecretPoll(params, { ...good, areas: 0 })).to.be.revertedWithCustomError(
        f.ballotBox,
        "CensusInvalid",
      );
      await expect(admin.createSecretPoll(params, { ...good, eligible: 2 })).to.be.revertedWithCustomError(
        f.ballotBox,
        "CensusInvalid",
      );
      await expect(admin.createSecretPoll(params, { ...good, snapshotBlock: block + 5 })).to.be.revertedWithCustomError(
        f.ballotBox,
        "CensusInvalid",
      );
      await expect(f.ballotBox.connect(f.stranger).createSecretPoll(params, good)).to.be.revertedWithCustomError(
        f.ballotBox,
        "AccessControlUnauthorizedAccount",
      );
    });
  });

  describe("ballots", () => {
    it("counts a member's ballot in total and in its area, with the nullifier in the leaf", async () => {
      const f = await loadFixture(secretFixture);
      const pollId = await createSecretPoll(f);
      const member = f.residents[1]!;
      const b = await secretBallot(f, member, pollId, 2n, 1n);
      const tx = await cast(f, pollId, 2n, 1n, b);
      await expect(tx)
        .to.emit(f.ballotBox, "SecretBallotCast")
        .withArgs(pollId, b.proof.nullifier, member.area, 0, 2n, 1n);
      const receipt = await tx.wait();
      console.log(`      gas of a first secret ballot: ${receipt!.gasUsed}`);
      expect(await f.ballotBox.tallies(pollId)).to.deep.equal([0n, 1n, 0n]);
      expect(await f.ballotBox.areaTallies(pollId, b.area.index)).to.deep.equal([0n, 1n, 0n]);
      expect(await f.ballotBox.areaTallies(pollId, (b.area.index + 1) % 3)).to.deep.equal([0n, 0n, 0n]);
      const leaf = secretBallotLeaf({
        pollId,
        nullifier: b.proof.nullifier,
        choices: 2n,
        revision: 1n,
        area: member.area,
      });
      expect(await f.ballotBox.ballotRoot(pollId)).to.equal(treeRoot(buildBallotTree([leaf])));
      const [revision, areaIndex, choices] = await f.ballotBox.secretBallotOf(pollId, b.proof.nullifier);
      expect([revision, areaIndex, choices]).to.deep.equal([1n, BigInt(b.area.index), 2n]);
      expect(await f.ballotBox.secretScope(pollId)).to.equal(secretScope(f.chainId, f.address, pollId));
      expect(await f.ballotBox.secretMessage(2n, 1n)).to.equal(secretMessage(2n, 1n));
    });

    it("moves the tallies on a re-vote with a higher revision and refuses an equal or older one", async () => {
      const f = await loadFixture(secretFixture);
      const pollId = await createSecretPoll(f, { revote: true });
      const member = f.residents[4]!;
      await (await cast(f, pollId, 1n, 1n, await secretBallot(f, member, pollId, 1n, 1n))).wait();
      const revote = await secretBallot(f, member, pollId, 4n, 3n);
      await (await cast(f, pollId, 4n, 3n, revote)).wait();
      expect(await f.ballotBox.tallies(pollId)).to.deep.equal([0n, 0n, 1n]);
      expect(await f.ballotBox.areaTallies(pollId, revote.area.index)).to.deep.equal([0n, 0n, 1n]);
      for (const revision of [3n, 2n]) {
        const stale = await secretBallot(f, member, pollId, 2n, revision);
        await expect(cast(f, pollId, 2n, revision, stale))
          .to.be.revertedWithCustomError(f.ballotBox, "SecretBallotStaleRevision")
          .withArgs(pollId, stale.proof.nullifier, revision, 3n);
      }
      expect((await f.ballotBox.poll(pollId)).ballots).to.equal(2n);
    });

    it("counts a nullifier once in a poll without re-voting", async () => {
      const f = await loadFixture(secretFixture);
      const pollId = await createSecretPoll(f);
      const member = f.residents[2]!;
      await (await cast(f, pollId, 1n, 1n, await secretBallot(f, member, pollId, 1n, 1n))).wait();
      const again = await secretBallot(f, member, pollId, 2n, 2n);
      await expect(cast(f, pollId, 2n, 2n, again))
        .to.be.revertedWithCustomError(f.ballotBox, "SecretBallotAlreadyCast")
        .withArgs(pollId, again.proof.nullifier);
    });
  });

  describe("threats", () => {
    it("refuses a proof replayed into another poll", async () => {
      const f = await loadFixture(secretFixture);
      const first = await createSecretPoll(f);
      const second = await createSecretPoll(f);
      const b = await secretBallot(f, f.residents[0]!, first, 1n, 1n);
      await expect(cast(f, second, 1n, 1n, b)).to.be.revertedWithCustomError(f.ballotBox, "SecretBallotInvalidProof");
    });

    it("refuses a proof made for another ballot box or another chain", async () => {
      const f = await loadFixture(secretFixture);
      const pollId = await createSecretPoll(f);
      const other = await deployVeche(f.admin, f.admin.address, { relayer: [f.relayer.address] });
      const forOtherBox = await secretBallot(f, f.residents[0]!, pollId, 1n, 1n, { box: other.address });
      await expect(cast(f, pollId, 1n, 1n, forOtherBox)).to.be.revertedWithCustomError(
        f.ballotBox,
        "SecretBallotInvalidProof",
      );
      const forOtherChain = await secretBallot(f, f.residents[0]!, pollId, 1n, 1n, { chainId: f.chainId + 1n });
      await expect(cast(f, pollId, 1n, 1n, forOtherChain)).to.be.revertedWithCustomError(
        f.ballotBox,
        "SecretBallotInvalidProof",
      );
    });

    it("refuses choices or a revision other than the proof binds", async () => {
      const f = await loadFixture(secretFixture);
      const pollId = await createSecretPoll(f, { revote: true });
      const b = await secretBallot(f, f.residents[0]!, pollId, 1n, 1n);
      await expect(cast(f, pollId, 2n, 1n, b)).to.be.revertedWithCustomError(f.ballotBox, "SecretBallotInvalidProof");
      await expect(cast(f, pollId, 1n, 2n, b)).to.be.revertedWithCustomError(f.ballotBox, "SecretBallotInvalidProof");
    });

    it("refuses a proof for area A counted in area B, and an area outside the census", async () => {
      const f = await loadFixture(secretFixture);
      const pollId = await createSecretPoll(f);
      const member = f.residents[0]!; // area 101
      const inOtherArea = await secretBallot(f, member, pollId, 1n, 1n, { area: 205 });
      await expect(cast(f, pollId, 1n, 1n, inOtherArea)).to.be.revertedWithCustomError(
        f.ballotBox,
        "SecretBallotInvalidProof",
      );
      // A forged area leaf (say, a census with an extra member) leads to another root.
      const forged = buildCensus([
        ...f.residents.map((r) => ({ resident: r.resident, area: r.area, commitment: r.identity.commitment })),
        { resident: 999, area: 101, commitment: new Identity("intruder").commitment },
      ]);
      const stale = await secretBallot(f, member, pollId, 1n, 1n, { census: forged });
      await expect(cast(f, pollId, 1n, 1n, stale))
        .to.be.revertedWithCustomError(f.ballotBox, "CensusUnknownArea")
        .withArgs(pollId, 101);
    });

    it("refuses an open ballot in a secret poll and a secret ballot in an open poll", async () => {
      const f = await loadFixture(secretFixture);
      const secret = await createSecretPoll(f);
      const signer = f.residents[0]!.key;
      const signature = await signer.signTypedData(
        f.domain,
        {
          Ballot: [
            { name: "pollId", type: "uint256" },
            { name: "choices", type: "uint256" },
            { name: "revision", type: "uint256" },
          ],
        },
        { pollId: secret, choices: 1n, revision: 1n },
      );
      await expect(f.ballotBox.connect(f.relayer).castBallot(secret, 1n, 1n, signature))
        .to.be.revertedWithCustomError(f.ballotBox, "PollSecrecyMismatch")
        .withArgs(secret, true);
      await (await f.ballotBox.connect(f.pollAdmin).createPoll(await pollParams())).wait();
      const open = await f.ballotBox.pollCount();
      const b = await secretBallot(f, f.residents[0]!, open, 1n, 1n);
      await expect(cast(f, open, 1n, 1n, b))
        .to.be.revertedWithCustomError(f.ballotBox, "PollSecrecyMismatch")
        .withArgs(open, false);
    });

    it("refuses a secret ballot from an account without the relayer role", async () => {
      const f = await loadFixture(secretFixture);
      const pollId = await createSecretPoll(f);
      const b = await secretBallot(f, f.residents[0]!, pollId, 1n, 1n);
      await expect(
        f.ballotBox.connect(f.stranger).castSecretBallot(pollId, 1n, 1n, b.area, b.proof),
      ).to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount");
      await mine(1);
    });
  });
});
