/**
 * A secret poll through the running API and chain, from PROTOCOL.md section 10 alone: viem, fetch and
 * Semaphore v4's packages. The city's part (register, the poll and its census) uses its staff token and
 * the test helpers; what the residents and the observer do follows the specification.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Group } from "@semaphore-protocol/group";
import type { Hex } from "viem";
import { STAFF_TOKEN, startStack } from "../api/harness";
import type { Stack } from "../api/harness";
import { createSecretPoll } from "../api/secretHelpers";
import { BallotBoxReader } from "./chain";
import type { ChainEvent, PollView } from "./chain";
import { call, Resident } from "./resident";
import type { Deployment } from "./resident";
import { SecretVoter } from "./secretVoter";
import type { SecretReceipt } from "./secretVoter";
import {
  buildingCodeOf,
  censusMembersOf,
  censusOf,
  readPollText,
  rootFromProof,
  secretLeafOf,
  secretRecount,
  treeRoot,
} from "./stranger";

const HOMES = ["Sadovaya 2", "Sadovaya 2", "Sadovaya 4"];

interface SecretBallotCast {
  pollId: bigint;
  nullifier: bigint;
  area: number;
  leafIndex: number;
  choices: bigint;
  revision: bigint;
}

describe("conformance: a secret poll with viem and Semaphore through the running API and chain", function () {
  this.timeout(600_000);
  let stack: Stack;
  let deployment: Deployment;
  let box: BallotBoxReader;
  let pollId: number;
  let voters: SecretVoter[];
  let receipts: SecretReceipt[];

  const register = async (residentId: string, building: string) => {
    const { body } = await call<{ created: { activationCode: string }[] }>(
      stack.api!.url,
      "POST",
      "/api/admin/residents",
      { residents: [{ residentId, district: 1, building }] },
      STAFF_TOKEN,
    );
    return body.created[0]!.activationCode;
  };

  before(async () => {
    stack = await startStack();
    const file = path.join(stack.config.deploymentsDir, `${stack.config.network}.json`);
    deployment = JSON.parse(fs.readFileSync(file, "utf8")) as Deployment;
    box = new BallotBoxReader(stack.chain.rpcUrl, deployment.ballotBox);
    voters = [];
    for (const [i, building] of HOMES.entries()) {
      const id = `conf-secret-${i}`;
      const resident = await Resident.activate(stack.api!.url, deployment, id, await register(id, building));
      await resident.enrol();
      const voter = new SecretVoter(resident, stack.api!.url, deployment, box);
      await voter.publishIdentity();
      voters.push(voter);
    }
    ({ pollId } = await createSecretPoll(stack, { areas: "building", revote: true }));
    const [a, b, c] = voters;
    const home = (i: number) => buildingCodeOf(HOMES[i]!);
    receipts = [
      await a!.vote(pollId, home(0), 0b01n, 1),
      await b!.vote(pollId, home(1), 0b10n, 1),
      await c!.vote(pollId, home(2), 0b01n, 1),
      // Resident a changes their mind: same identity and poll, so the same nullifier, a higher revision.
      await a!.vote(pollId, home(0), 0b10n, 2),
    ];
  });

  after(async () => {
    await stack?.stop();
  });

  it("rebuilds the census from the registry's events up to its snapshot and finds the root the chain holds", async () => {
    const census = await box.read<{ root: Hex; areas: number; eligible: number; snapshotBlock: number }>("census", [
      BigInt(pollId),
    ]);
    const view = await box.read<PollView>("poll", [BigInt(pollId)]);
    const kind = (readPollText(view.uri, view.contentHash) as { areas?: string }).areas ?? "district";
    expect(kind).to.equal("building");
    const events = await box.events(BigInt(deployment.deployedBlock), BigInt(census.snapshotBlock));
    const members = censusMembersOf(events, [], kind);
    const built = censusOf(members, (commitments) => new Group([...commitments]).root);
    expect({ root: built.root, areas: built.areas.length, eligible: built.eligible }).to.deep.equal({
      root: census.root,
      areas: census.areas,
      eligible: census.eligible,
    });
    for (const v of voters) expect(members.map((m) => m.commitment)).to.include(v.identity.commitment);
  });

  it("gets receipts whose leaves rebuild from their fields and prove into the root read from the chain", async () => {
    for (const r of receipts) {
      const leaf = secretLeafOf({
        pollId: BigInt(r.pollId),
        nullifier: BigInt(r.nullifier),
        choices: BigInt(r.choices),
        revision: BigInt(r.revision),
        area: r.area,
      });
      expect(r.leaf).to.equal(leaf);
      const proof = (
        await call<{ ballots: number; siblings: Hex[]; block: number }>(
          stack.api!.url,
          "GET",
          `/api/polls/${pollId}/proof/${r.leafIndex}`,
        )
      ).body;
      const root = await box.read<Hex>("ballotRoot", [BigInt(pollId)], BigInt(proof.block));
      expect(rootFromProof(r.leaf, r.leafIndex, proof.ballots, proof.siblings)).to.equal(root);
    }
    // The re-vote carries the first ballot's nullifier: the identity and poll fix it, nothing else.
    expect(receipts[3]!.nullifier).to.equal(receipts[0]!.nullifier);
    expect(new Set(receipts.slice(0, 3).map((r) => r.nullifier)).size).to.equal(3);
  });

  it("recounts from SecretBallotCast events to the contract's totals, area tallies and root", async () => {
    const block = await box.client.getBlockNumber();
    const cast = (await box.events(BigInt(deployment.deployedBlock), block))
      .filter((e: ChainEvent) => e.eventName === "SecretBallotCast" && e.args.pollId === BigInt(pollId))
      .map((e) => e.args as unknown as SecretBallotCast);
    expect(cast.map((b) => b.leafIndex)).to.deep.equal([0, 1, 2, 3]);
    const result = secretRecount(cast, 2);
    expect(result.tallies).to.deep.equal([...(await box.read<bigint[]>("tallies", [BigInt(pollId)], block))]);
    expect(result.tallies).to.deep.equal([1n, 2n]);
    expect(result.voters).to.equal(3);

    const codes = [...new Set(HOMES.map(buildingCodeOf))].sort((a, b) => a - b);
    for (const [index, area] of codes.entries()) {
      const onChain = await box.read<bigint[]>("areaTallies", [BigInt(pollId), index], block);
      expect([...onChain], `area ${area}`).to.deep.equal(result.byArea.get(area));
    }
    const leaves = cast.map((b) => secretLeafOf({ ...b, area: Number(b.area) }));
    expect(treeRoot(leaves)).to.equal(await box.read<Hex>("ballotRoot", [BigInt(pollId)], block));
  });

  it("has a proof for one area posted for another, and a session-bearing ballot, refused", async () => {
    const [a] = voters;
    const ballot = await a!.ballot(pollId, buildingCodeOf(HOMES[0]!), 0b01n, 3);
    const elsewhere = { ...ballot, area: buildingCodeOf(HOMES[2]!) };
    const moved = await call<{ error: { code: string } }>(stack.api!.url, "POST", "/api/secret-ballots", elsewhere);
    expect([moved.status, moved.body.error.code]).to.deep.equal([400, "CENSUS_ROOT_UNKNOWN"]);
    const token = "Bearer anything";
    const res = await fetch(`${stack.api!.url}/api/secret-ballots`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: token },
      body: JSON.stringify(ballot),
    });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).to.deep.equal([
      400,
      "SESSION_NOT_ALLOWED",
    ]);
    const [revision] = await box.read<[bigint]>("secretBallotOf", [BigInt(pollId), BigInt(receipts[0]!.nullifier)]);
    expect(revision).to.equal(2n);
  });
});
