/**
 * Secret polls from the staff CLI: `poll create` with `secret: true` reads the registry's events,
 * builds the census at the current block and creates the poll with its root; `poll show` prints each
 * area's tallies, eligible residents, turnout and whether it accepts by the poll's rule.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { stringify as toYaml } from "yaml";
import { buildingCode } from "../../contracts/protocol";
import type { PollFileInput } from "../../scripts/cli/polls/pollFile";
import type { CreatedPoll } from "../../scripts/cli/polls/createPoll";
import type { PollDetail } from "../../scripts/cli/polls/readPolls";
import { eventually, http, startStack } from "../api/harness";
import type { Stack } from "../api/harness";
import { postSecretBallot, secretBallotBody, secretResident } from "../api/secretHelpers";
import type { SecretResident } from "../api/secretHelpers";
import { cliEnv, tempDir, veche, vecheJson } from "./cliHarness";

const text = (en: string) => ({ en, ru: `${en} (ru)` });

function secretPollFile(dir: string, overrides: Partial<PollFileInput> = {}): string {
  const poll: PollFileInput = {
    title: text("Should your building be renovated?"),
    description: text("A secret poll made by the CLI tests."),
    questions: [{ text: text("Renovate?"), options: [text("Yes"), text("No")] }],
    schedule: { duration: "1h" },
    scope: { cityWide: true },
    revote: true,
    secret: true,
    areas: "building",
    rule: { kind: "eligibleShare", question: 0, option: 0, share: "2/3" },
    ...overrides,
  };
  const file = path.join(dir, `secret-${crypto.randomBytes(4).toString("hex")}.yaml`);
  fs.writeFileSync(file, toYaml(poll));
  return file;
}

describe("veche CLI secret polls", function () {
  this.timeout(300_000);
  let stack: Stack;
  let dir: string;
  let residents: SecretResident[];

  before(async () => {
    stack = await startStack();
    dir = tempDir("veche-cli-secret-");
    residents = [
      await secretResident(stack, 1, "Lenina 1"),
      await secretResident(stack, 1, "Lenina 1"),
      await secretResident(stack, 1, "Lenina 1"),
      await secretResident(stack, 2, "Mira 5"),
    ];
  });
  after(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("creates a secret poll over the census at the current block and shows per-area results by the rule", async () => {
    const env = cliEnv(stack);
    const created = await vecheJson<CreatedPoll>(env, ["poll", "create", secretPollFile(dir)]);
    expect(created.census).to.include({ eligible: 4, areas: 2, areaKind: "building" });
    const api = await eventually(async () => {
      const r = await http<{ census: { root: string } | null }>(stack, "GET", `/api/polls/${created.pollId}`);
      return r.status === 200 && r.body.census ? r.body.census : null;
    });
    expect(api.root).to.equal(created.census!.root);

    const census = {
      root: created.census!.root,
      eligible: 4,
      areas: [] as { area: number; commitments: bigint[]; root: bigint; index: number }[],
    };
    for (const area of [buildingCode("Lenina 1"), buildingCode("Mira 5")]) {
      const a = await http<{ commitments: string[]; root: string; index: number }>(
        stack,
        "GET",
        `/api/polls/${created.pollId}/census/areas/${area}`,
      );
      census.areas.push({
        area,
        commitments: a.body.commitments.map(BigInt),
        root: BigInt(a.body.root),
        index: a.body.index,
      });
    }
    const ids: string[] = [];
    for (const [voter, choices] of [
      [residents[0]!, 0b01n],
      [residents[1]!, 0b01n],
      [residents[3]!, 0b10n],
    ] as const) {
      const body = await secretBallotBody(stack, census, voter, { pollId: created.pollId, choices, revision: 1 });
      ids.push((await postSecretBallot<{ ballotId: string }>(stack, body)).body.ballotId);
    }
    for (const id of ids) {
      await eventually(async () => {
        const r = await http<{ status: string }>(stack, "GET", `/api/secret-ballots/${id}?wait=5`);
        return r.body.status === "mined" ? true : null;
      }, 60_000);
    }

    const shown = await vecheJson<PollDetail>(env, ["poll", "show", String(created.pollId)]);
    expect(shown.secret).to.equal(true);
    expect(shown.secretResults?.census).to.include({ matches: true, eligible: 4, areaKind: "building" });
    const byArea = new Map(shown.secretResults!.areas.map((a) => [a.area, a]));
    expect(byArea.get(buildingCode("Lenina 1"))).to.deep.include({
      eligible: 3,
      voters: 2,
      tallies: [[2, 0]],
      accepted: true,
    });
    expect(byArea.get(buildingCode("Mira 5"))).to.deep.include({
      eligible: 1,
      voters: 1,
      tallies: [[0, 1]],
      accepted: false,
    });
    const plain = await veche(env, ["poll", "show", String(created.pollId)]);
    expect(plain.stdout).to.contain("the census rebuilt from the registry's events matches the root");
    expect(plain.stdout).to.contain("1 of 2 areas accept");
  });

  it("refuses a secret poll file that gives points or a rule for an option it lacks", async () => {
    const env = cliEnv(stack);
    const points = await veche(env, ["poll", "create", secretPollFile(dir, { points: 5 }), "--json"]);
    expect(points.code).to.not.equal(0);
    expect(points.stderr).to.contain("no points");
    const rule = await veche(env, [
      "poll",
      "create",
      secretPollFile(dir, { rule: { kind: "eligibleShare", question: 0, option: 5, share: "2/3" } }),
    ]);
    expect(rule.code).to.not.equal(0);
    expect(rule.stderr).to.contain("rule");
  });
});
