/**
 * Secret polls through the API, with real proofs made in Node against the real chain: the census the
 * API rebuilds from the registry matches the poll's root, per-area results and the decision rule,
 * sessionless intake that checks each proof before its 202, re-votes by nullifier, every threat of the
 * issue refused with nothing stored, and accepted ballots that survive a restart.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { buildingCode, secretBallotLeaf } from "../../contracts/protocol";
import type { Census } from "../../contracts/protocol";
import { Wallet } from "ethers";
import { createPoll, eventually, http, signedBallot, startStack, tableRowCounts } from "./harness";
import type { Stack } from "./harness";
import type { ErrorBody } from "./residentHelpers";
import { createSecretPoll, postSecretBallot, secretBallotBody, secretResident } from "./secretHelpers";
import type { SecretResident } from "./secretHelpers";

const RULE = { kind: "eligibleShare" as const, question: 0, option: 0, share: "2/3" };

interface AreaAnswer {
  area: number;
  label: string;
  eligible: number;
  voters: number;
  tallies: number[][];
  turnout: number;
  accepted: boolean | null;
}

interface PollAnswer {
  secret: boolean;
  points: number;
  census: { root: string; snapshotBlock: number; eligible: number; areaKind: string } | null;
  areas: AreaAnswer[];
  rule: typeof RULE | null;
  tallies: string[];
}

interface SecretState {
  ballotId: string;
  status: string;
  nullifier: string;
  area: number;
  errorCode: string | null;
  receipt: { leaf: string; leafIndex: number; nullifier: string; area: number } | null;
}

async function minedSecret(stack: Stack, ballotId: string): Promise<SecretState> {
  return eventually(
    async () => {
      const r = await http<SecretState>(stack, "GET", `/api/secret-ballots/${ballotId}?wait=5`);
      return r.body.status === "mined" ? r.body : null;
    },
    60_000,
    "the secret ballot to be mined",
  );
}

function area(poll: PollAnswer, building: string): AreaAnswer {
  const found = poll.areas.find((a) => a.area === buildingCode(building));
  if (!found) throw new Error(`no area for ${building}`);
  return found;
}

describe("secret ballots through the API", function () {
  this.timeout(600_000);
  let stack: Stack;
  let residents: SecretResident[];
  let poll: { pollId: number; census: Census };

  before(async () => {
    stack = await startStack();
    residents = [];
    for (const [district, building] of [
      [1, "Lenina 1"],
      [1, "Lenina 1"],
      [1, "Lenina 1"],
      [1, "Lenina 3"],
      [2, "Mira 5"],
    ] as const) {
      residents.push(await secretResident(stack, district, building));
    }
    poll = await createSecretPoll(stack, { areas: "building", rule: RULE, revote: true });
  });
  after(async () => {
    await stack.stop();
  });

  it("serves the census the API rebuilt from the registry, equal to the poll's root", async () => {
    const detail = await http<PollAnswer>(stack, "GET", `/api/polls/${poll.pollId}`);
    expect(detail.body.secret).to.equal(true);
    expect(detail.body.points).to.equal(0);
    expect(detail.body.census).to.include({ root: poll.census.root, eligible: 5, areaKind: "building" });
    expect(detail.body.rule).to.deep.equal(RULE);
    expect(detail.body.areas.map((a) => [a.label, a.eligible, a.voters])).to.have.deep.members([
      ["Lenina 1", 3, 0],
      ["Lenina 3", 1, 0],
      ["Mira 5", 1, 0],
    ]);

    const census = await http<{ root: string; areas: { area: number; members: number; root: string }[] }>(
      stack,
      "GET",
      `/api/polls/${poll.pollId}/census`,
    );
    expect(census.body.root).to.equal(poll.census.root);
    const lenina = poll.census.areas.find((a) => a.area === buildingCode("Lenina 1"))!;
    const areaAnswer = await http<{ commitments: string[]; root: string; members: number }>(
      stack,
      "GET",
      `/api/polls/${poll.pollId}/census/areas/${lenina.area}`,
    );
    expect(areaAnswer.body.commitments).to.deep.equal(lenina.commitments.map(String));
    expect(areaAnswer.body.root).to.equal(lenina.root.toString());
    const unknown = await http<ErrorBody>(stack, "GET", `/api/polls/${poll.pollId}/census/areas/12345`);
    expect(unknown.body.error.code).to.equal("CENSUS_AREA_UNKNOWN");
    const open = await createPoll(stack);
    const notSecret = await http<ErrorBody>(stack, "GET", `/api/polls/${open}/census`);
    expect(notSecret.body.error.code).to.equal("POLL_NOT_SECRET");
    const openDetail = await http<PollAnswer>(stack, "GET", `/api/polls/${open}`);
    expect(openDetail.body.secret).to.equal(false);
    expect(openDetail.body.census).to.equal(null);
    expect(openDetail.body.areas.map((a) => a.area)).to.include.members([1, 2]);
  });

  it("tells a resident where a census counted them: the snapshot's area and identity, or none", async () => {
    type Place = { counted: boolean; area: number | null; label: string | null; commitment: string | null };
    const placeOf = (who: { token: string }, pollId: number) =>
      http<Place & ErrorBody>(stack, "GET", `/api/me/census/${pollId}`, undefined, who.token);
    const counted = await placeOf(residents[3]!, poll.pollId);
    expect(counted.status).to.equal(200);
    expect(counted.body).to.deep.include({
      counted: true,
      area: buildingCode("Lenina 3"),
      label: "Lenina 3",
      commitment: residents[3]!.identity.commitment.toString(),
    });

    // Joined after the poll's snapshot: not counted in it, but in the next poll's census.
    const late = await secretResident(stack, 2, "Mira 5");
    expect((await placeOf(late, poll.pollId)).body).to.deep.equal({
      pollId: poll.pollId,
      counted: false,
      area: null,
      label: null,
      commitment: null,
    });
    const next = await createSecretPoll(stack, { areas: "district" });
    const before = await placeOf(late, next.pollId);
    expect(before.body).to.deep.include({ area: 2, commitment: late.identity.commitment.toString() });

    // A new identity made after the snapshot does not change what that census holds.
    const newer = new Identity(`newer-${late.residentId}`);
    const posted = await http(
      stack,
      "POST",
      "/api/me/identity",
      { commitment: newer.commitment.toString() },
      late.token,
    );
    expect(posted.status).to.be.oneOf([200, 202]);
    await eventually(async () => {
      const r = await http<{ status: string; commitment: string }>(
        stack,
        "GET",
        "/api/me/identity",
        undefined,
        late.token,
      );
      return r.body.status === "mined" && r.body.commitment === newer.commitment.toString() ? true : null;
    });
    expect((await placeOf(late, next.pollId)).body.commitment).to.equal(late.identity.commitment.toString());

    expect((await http<ErrorBody>(stack, "GET", `/api/me/census/${next.pollId}`)).body.error.code).to.equal(
      "AUTH_REQUIRED",
    );
    const open = await createPoll(stack);
    expect((await placeOf(late, open)).body.error.code).to.equal("POLL_NOT_SECRET");
  });

  it("counts a secret ballot, moves its tallies on a re-vote, and refuses a stale revision", async () => {
    const voter = residents[4]!;
    const first = await secretBallotBody(stack, poll.census, voter, {
      pollId: poll.pollId,
      choices: 0b10n,
      revision: 1,
    });
    const accepted = await postSecretBallot<{ ballotId: string; duplicate: boolean }>(stack, first);
    expect(accepted.status).to.equal(202);
    expect(accepted.body.duplicate).to.equal(false);
    expect(accepted.body.ballotId).to.equal(
      secretBallotLeaf({
        pollId: BigInt(poll.pollId),
        nullifier: BigInt(first.proof.nullifier),
        choices: 0b10n,
        revision: 1n,
        area: buildingCode("Mira 5"),
      }),
    );
    const again = await postSecretBallot<{ duplicate: boolean }>(stack, first);
    expect(again.body.duplicate).to.equal(true);
    const mined = await minedSecret(stack, accepted.body.ballotId);
    expect(mined.receipt).to.include({ nullifier: first.proof.nullifier, area: buildingCode("Mira 5") });

    const revote = await secretBallotBody(stack, poll.census, voter, {
      pollId: poll.pollId,
      choices: 0b01n,
      revision: 2,
    });
    expect(revote.proof.nullifier).to.equal(first.proof.nullifier);
    const moved = await postSecretBallot<{ ballotId: string }>(stack, revote);
    expect(moved.status).to.equal(202);
    await minedSecret(stack, moved.body.ballotId);
    const stale = await secretBallotBody(stack, poll.census, voter, {
      pollId: poll.pollId,
      choices: 0b10n,
      revision: 2,
    });
    const refused = await postSecretBallot<ErrorBody>(stack, stale);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal("BALLOT_STALE_REVISION");

    const detail = await eventually(async () => {
      const d = await http<PollAnswer>(stack, "GET", `/api/polls/${poll.pollId}`);
      return area(d.body, "Mira 5").tallies[0]![0] === 1 ? d.body : null;
    });
    expect(detail.tallies).to.deep.equal(["1", "0"]);
    expect(area(detail, "Mira 5")).to.deep.include({ voters: 1, tallies: [[1, 0]], turnout: 1, accepted: true });
    expect(area(detail, "Lenina 1")).to.deep.include({ voters: 0, accepted: false });
  });

  it("refuses replayed, forged, misplaced and session-bearing ballots, storing nothing", async () => {
    const other = await createSecretPoll(stack, { areas: "building", revote: true });
    const [a, , , b] = residents as [SecretResident, SecretResident, SecretResident, SecretResident];
    const body = await secretBallotBody(stack, poll.census, a, { pollId: poll.pollId, choices: 0b01n, revision: 1 });
    const leninaThree = poll.census.areas.find((x) => x.area === buildingCode(b.building))!;
    const before = await tableRowCounts(stack, [
      "indexer_cursor",
      "indexer_blocks",
      "cluster_leases",
      "action_counters",
    ]);

    const refusals: [string, unknown, Record<string, string>, string][] = [
      ["replay into another poll", { ...body, pollId: other.pollId }, {}, "PROOF_INVALID"],
      ["a forged root", { ...body, proof: { ...body.proof, root: "12345" } }, {}, "CENSUS_ROOT_UNKNOWN"],
      ["area A's proof claimed for area B", { ...body, area: leninaThree.area }, {}, "CENSUS_ROOT_UNKNOWN"],
      [
        "area A's proof with area B's root",
        { ...body, area: leninaThree.area, proof: { ...body.proof, root: leninaThree.root.toString() } },
        {},
        "PROOF_INVALID",
      ],
      ["other choices than proven", { ...body, choices: "2" }, {}, "PROOF_INVALID"],
      ["an area outside the census", { ...body, area: 7 }, {}, "CENSUS_AREA_UNKNOWN"],
      ["a session token", body, { authorization: `Bearer ${a.token}` }, "SESSION_NOT_ALLOWED"],
      ["a cookie", body, { cookie: "veche=1" }, "SESSION_NOT_ALLOWED"],
    ];
    for (const [what, request, headers, code] of refusals) {
      const r = await postSecretBallot<ErrorBody>(stack, request, headers);
      expect(r.body.error?.code, what).to.equal(code);
      expect(r.status, what).to.be.within(400, 409);
    }
    const open = await createPoll(stack);
    const toOpen = await postSecretBallot<ErrorBody>(stack, { ...body, pollId: open });
    expect(toOpen.body.error.code).to.equal("POLL_NOT_SECRET");
    // The intake asked the contract; the index takes the new poll in its table a moment later.
    const after = await eventually(
      async () => {
        const counts = await tableRowCounts(stack, [
          "indexer_cursor",
          "indexer_blocks",
          "cluster_leases",
          "action_counters",
        ]);
        return counts.polls === before.polls! + 1 ? counts : null;
      },
      20_000,
      `poll ${open} indexed`,
    );
    expect(after).to.deep.equal({ ...before, polls: before.polls! + 1 });
  });

  it("shows a secret poll the index has not reached as secret, and refuses open ballots for it", async () => {
    // The index holds still: the poll is known only from the contract.
    await stack.api!.veche.ctx.follower.stop();
    const late = await createSecretPoll(stack, { areas: "district", indexed: false });
    const detail = await http<PollAnswer>(stack, "GET", `/api/polls/${late.pollId}`);
    expect(detail.status).to.equal(200);
    expect(detail.body).to.deep.include({ secret: true, census: null, areas: [] });
    // An open ballot would be refused by the contract: it is refused here, before any promise.
    const ballot = await signedBallot(stack, Wallet.createRandom(), {
      pollId: BigInt(late.pollId),
      choices: 1n,
      revision: 1n,
    });
    const open = await http<ErrorBody>(stack, "POST", "/api/ballots", ballot);
    expect([open.status, open.body.error.code]).to.deep.equal([409, "POLL_IS_SECRET"]);
    const notYet = await http<ErrorBody>(stack, "GET", `/api/polls/${late.pollId}/census`);
    expect([notYet.status, notYet.body.error.code]).to.deep.equal([503, "CENSUS_NOT_READY"]);

    await stack.stopApi();
    await stack.startApi();
    const served = await eventually(async () => {
      const r = await http<{ root: string }>(stack, "GET", `/api/polls/${late.pollId}/census`);
      return r.status === 200 ? r.body : null;
    });
    expect(served.root).to.equal(late.census.root);
  });

  it("keeps accepted secret ballots across a restart and relays them after", async () => {
    await stack.stopApi();
    await stack.startApi({ RELAYER_KEYS: "" });
    const voter = residents[3]!;
    const body = await secretBallotBody(stack, poll.census, voter, {
      pollId: poll.pollId,
      choices: 0b01n,
      revision: 1,
    });
    const accepted = await postSecretBallot<{ ballotId: string }>(stack, body);
    expect(accepted.status).to.equal(202);
    await stack.stopApi();
    await stack.startApi();
    const mined = await minedSecret(stack, accepted.body.ballotId);
    expect(mined.area).to.equal(buildingCode("Lenina 3"));
    const detail = await eventually(async () => {
      const d = await http<PollAnswer>(stack, "GET", `/api/polls/${poll.pollId}`);
      return area(d.body, "Lenina 3").voters === 1 ? d.body : null;
    });
    expect(area(detail, "Lenina 3").accepted).to.equal(true);
  });
});

describe("proving files", function () {
  this.timeout(120_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack.stop();
  });

  it("serves each depth's wasm and zkey from the npm package, with length and a long cache", async () => {
    const dir = path.dirname(require.resolve("@zk-kit/semaphore-artifacts/package.json"));
    for (const name of ["semaphore-1.wasm", "semaphore-20.zkey"]) {
      const res = await fetch(`${stack.api!.url}/artifacts/${name}`);
      expect(res.status, name).to.equal(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(fs.readFileSync(path.join(dir, name))), name).to.equal(true);
      expect(Number(res.headers.get("content-length"))).to.equal(bytes.length);
      expect(res.headers.get("cache-control")).to.contain("max-age=31536000");
    }
    for (const name of ["semaphore-33.wasm", "semaphore-0.zkey", "semaphore-1.json", "..%2Fpackage.json"]) {
      expect((await fetch(`${stack.api!.url}/artifacts/${name}`)).status, name).to.equal(404);
    }
  });
});
