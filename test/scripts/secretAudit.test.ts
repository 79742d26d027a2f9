/**
 * `veche audit` on secret polls, from the node alone: the census rebuilt from the registry's events,
 * every proof from its transaction's input checked again, nullifiers, per-area and total tallies and
 * the root. Tamper tests hand the checker a history altered as a lying node or dishonest staff would.
 */
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { buildCensus, buildingCode, censusMembers } from "../../contracts/protocol";
import {
  checkSecretPoll,
  fetchSecretPoll,
  localCheck,
  openSnapshot,
  pollLifecycle,
  verifierCheck,
} from "../../scripts/audit";
import type { AuditReport, FindingCode, SecretOnChain, SecretPollInput } from "../../scripts/audit";
import { runCli } from "../../scripts/cli/main";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import { eventually, http, startStack } from "../api/harness";
import type { Stack } from "../api/harness";
import {
  createSecretPoll,
  currentCensus,
  postSecretBallot,
  secretBallotBody,
  secretResident,
} from "../api/secretHelpers";
import type { SecretResident } from "../api/secretHelpers";

async function audit(stack: Stack, pollId: number): Promise<{ code: number; report: AuditReport }> {
  let out = "";
  const code = await runCli(
    [
      "audit",
      "--rpc",
      stack.chain.rpcUrl,
      "--ballot-box",
      stack.deployment.ballotBox,
      "--from-block",
      String(stack.deployment.deployedBlock),
      "--poll",
      String(pollId),
      "--json",
    ],
    { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true, isTTY: false }, env: {} },
  );
  return { code, report: JSON.parse(out) as AuditReport };
}

const codes = (r: AuditReport) => Object.keys(r.findingCounts) as FindingCode[];

describe("audit of secret polls", function () {
  this.timeout(600_000);
  let stack: Stack;
  let residents: SecretResident[];
  let pollId: number;

  before(async () => {
    stack = await startStack();
    residents = [];
    for (const building of ["Lenina 1", "Lenina 1", "Lenina 1", "Mira 5"]) {
      residents.push(await secretResident(stack, building === "Mira 5" ? 2 : 1, building));
    }
    const poll = await createSecretPoll(stack, { areas: "building", revote: true });
    pollId = poll.pollId;
    const ids: string[] = [];
    const cast = async (voter: SecretResident, choices: bigint, revision: number) => {
      const body = await secretBallotBody(stack, poll.census, voter, { pollId, choices, revision });
      const id = (await postSecretBallot<{ ballotId: string }>(stack, body)).body.ballotId;
      await eventually(async () => {
        const r = await http<{ status: string }>(stack, "GET", `/api/secret-ballots/${id}?wait=5`);
        return r.body.status === "mined" ? true : null;
      }, 60_000);
      ids.push(id);
    };
    await cast(residents[0]!, 0b01n, 1);
    await cast(residents[1]!, 0b10n, 1);
    await cast(residents[3]!, 0b01n, 1);
    await cast(residents[1]!, 0b01n, 2);
  });
  after(async () => {
    await stack.stop();
  });

  async function fetched(): Promise<{ input: SecretPollInput; onChain: SecretOnChain }> {
    const snapshot = await openSnapshot({
      rpcUrl: stack.chain.rpcUrl,
      ballotBox: stack.deployment.ballotBox,
      fromBlock: stack.deployment.deployedBlock,
    });
    const { logs, census } = await pollLifecycle(snapshot, BigInt(pollId));
    return fetchSecretPoll(snapshot, BigInt(pollId), logs, census!);
  }

  /** The audit's report, with proofs checked here; the deployed verifier, asked through the node, must agree. */
  async function check(input: SecretPollInput, onChain: SecretOnChain): Promise<AuditReport> {
    const viaNode = await verifierCheck(
      new NodeRpcClient(stack.chain.rpcUrl),
      stack.deployment.ballotBox,
      onChain.block,
    );
    const report = await checkSecretPoll(input, onChain, await localCheck());
    expect(report).to.deep.equal(await checkSecretPoll(input, onChain, viaNode));
    return report;
  }

  it("recounts an honest secret poll: census, proofs, re-vote, per-area and total tallies, root", async () => {
    const { code, report } = await audit(stack, pollId);
    expect(report.findings).to.deep.equal([]);
    expect(code).to.equal(0);
    expect(report).to.include({ ok: true, ballots: 4, voters: 3 });
    expect(report.tallies).to.deep.equal(["3", "0"]);
    expect(report.secret?.proofsChecked).to.equal(4);
    expect(report.secret?.census).to.include({ eligible: 4, areaKind: "building" });
    const byArea = new Map(report.secret!.areas.map((a) => [a.area, a]));
    expect(byArea.get(buildingCode("Lenina 1"))).to.deep.include({ eligible: 3, voters: 2, tallies: ["2", "0"] });
    expect(byArea.get(buildingCode("Mira 5"))).to.deep.include({ eligible: 1, voters: 1, tallies: ["1", "0"] });
  });

  it("flags altered choices, a misplaced area, a replayed nullifier and a missing input", async () => {
    const choices = await fetched();
    const first = choices.input.history.ballots[0]!;
    first.choices = 0b10n;
    first.input!.choices = 0b10n;
    expect(codes(await check(choices.input, choices.onChain))).to.include.members([
      "PROOF_INVALID",
      "TALLY_MISMATCH",
      "AREA_TALLY_MISMATCH",
      "ROOT_MISMATCH",
    ]);

    const area = await fetched();
    const moved = area.input.history.ballots[2]!;
    moved.area = buildingCode("Lenina 1");
    moved.input!.area.area = buildingCode("Lenina 1");
    expect(codes(await check(area.input, area.onChain))).to.include.members(["CENSUS_AREA_MISMATCH", "PROOF_INVALID"]);

    const replay = await fetched();
    const again = { ...replay.input.history.ballots[0]!, leafIndex: 4 };
    replay.input.history.ballots.push(again);
    expect(codes(await check(replay.input, replay.onChain))).to.include("REVISION_INVALID");

    const missing = await fetched();
    missing.input.history.ballots[1]!.input = null;
    expect(codes(await check(missing.input, missing.onChain))).to.include("INPUT_MISMATCH");
  });

  it("flags a census that omits or adds a resident, gives one resident two identities, or shares one", async () => {
    const omitted = await fetched();
    const registry = omitted.input.history.registry;
    omitted.input.history.registry = registry.filter(
      (e) => !(e.kind === "identityCommitted" && e.resident === residents[2]!.resident),
    );
    expect(codes(await check(omitted.input, omitted.onChain))).to.include.members([
      "CENSUS_MISMATCH",
      "ELIGIBLE_MISMATCH",
    ]);

    const shared = await fetched();
    const commitmentOf = (resident: number) =>
      shared.input.history.registry.find((e) => e.kind === "identityCommitted" && e.resident === resident);
    const a = commitmentOf(residents[0]!.resident);
    const b = commitmentOf(residents[1]!.resident);
    if (a?.kind === "identityCommitted" && b?.kind === "identityCommitted") b.commitment = a.commitment;
    expect(codes(await check(shared.input, shared.onChain))).to.include.members([
      "DUPLICATE_COMMITMENT",
      "CENSUS_MISMATCH",
    ]);

    // Staff commit, on the chain, a census giving one resident a second (old) identity beside the new.
    const { census, snapshotBlock } = await currentCensus(stack, [], "building");
    const members = censusMembers((await fetched()).input.history.registry, snapshotBlock, [], "building");
    const twice = buildCensus([...members, { ...members[0]!, commitment: new Identity("old identity").commitment }]);
    expect(twice.root).to.not.equal(census.root);
    const now = (await stack.provider.getBlock("latest"))!.timestamp;
    const receipt = await (
      await stack.staff.createSecretPoll(
        {
          contentHash: `0x${"11".repeat(32)}`,
          uri: "data:,dishonest",
          start: now,
          end: now + 3600,
          questions: [{ options: 2, maxChoices: 1 }],
          districts: [],
          revote: false,
          points: 0,
        },
        { root: twice.root, areas: twice.areas.length, eligible: twice.eligible, snapshotBlock },
      )
    ).wait();
    const dishonest = Number(stack.staff.interface.parseLog(receipt!.logs[0]!)!.args[0]);
    // Its content names no kind, so the audit rebuilds by district as well: the root differs either way.
    const { code, report } = await audit(stack, dishonest);
    expect(code).to.not.equal(0);
    expect(codes(report)).to.include.members(["CENSUS_MISMATCH", "ELIGIBLE_MISMATCH"]);
    // The API shows the poll but never serves a census that does not rebuild to its root.
    const shown = await eventually(async () => {
      const r = await http<{ secret: boolean; census: unknown; areas: unknown[] }>(
        stack,
        "GET",
        `/api/polls/${dishonest}`,
      );
      return r.status === 200 ? r.body : null;
    });
    expect(shown).to.deep.include({ secret: true, census: null, areas: [] });
    const served = await http<{ error: { code: string } }>(stack, "GET", `/api/polls/${dishonest}/census`);
    expect(served.status).to.equal(503);
    expect(served.body.error.code).to.equal("CENSUS_MISMATCH");
  });
});
