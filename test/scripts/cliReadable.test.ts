/**
 * The staff CLI reads as people expect: counts in the right number, a header row and time zone in
 * `poll list`, a readable `--dry-run`, `veche audit` in its own help, and the commands for outcomes,
 * password resets and vouchers.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { stringify as toYaml } from "yaml";
import type { PollFileInput } from "../../scripts/cli/polls/pollFile";
import { enrolVoter, eventually, http, signedBallot, startStack } from "../api/harness";
import type { Stack } from "../api/harness";
import { signedInResident } from "../api/residentHelpers";
import { cliEnv, tempDir, veche, vecheJson } from "./cliHarness";

const text = (en: string) => ({ en, ru: `${en} (ru)` });

function pollFile(dir: string, overrides: Partial<PollFileInput> = {}): string {
  const poll: PollFileInput = {
    title: text("Benches for the square?"),
    description: text("A poll made by the CLI tests."),
    questions: [{ text: text("New benches?"), options: [text("Yes"), text("No")] }],
    schedule: { duration: "1h" },
    scope: { districts: [3, 7] },
    points: 1,
    ...overrides,
  };
  const file = path.join(dir, `poll-${crypto.randomBytes(4).toString("hex")}.yaml`);
  fs.writeFileSync(file, toYaml(poll));
  return file;
}

describe("veche CLI: readable output", function () {
  this.timeout(180_000);
  let stack: Stack;
  let dir: string;
  before(async () => {
    stack = await startStack();
    dir = tempDir("veche-cli-readable-");
  });
  after(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows a dry run in words and keeps --json for machines", async () => {
    const env = cliEnv(stack);
    const file = pollFile(dir, { results: "afterClose" });
    const polls = await stack.staff.pollCount();
    const human = await veche(env, ["poll", "create", file, "--dry-run"]);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.contain("is a valid poll; nothing was sent");
    expect(human.stdout).to.match(/schedule\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC → \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(human.stdout).to.contain("districts 3, 7");
    expect(human.stdout).to.contain("1 point;");
    expect(human.stdout).to.contain("results shown once the poll closes");
    expect(human.stdout).to.contain("1. New benches?").and.contain("- Yes");
    const machine = await vecheJson<{ valid: boolean; results: string }>(env, ["poll", "create", file, "--dry-run"]);
    expect(machine).to.include({ valid: true, results: "afterClose" });
    expect(await stack.staff.pollCount()).to.equal(polls);
  });

  it("lists polls under a header with end times in UTC, and counts one ballot from one resident", async () => {
    const env = cliEnv(stack);
    const { pollId } = await vecheJson<{ pollId: number }>(env, [
      "poll",
      "create",
      pollFile(dir, { scope: { cityWide: true } }),
    ]);
    const key = await enrolVoter(stack, 3);
    const body = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 1n, revision: 1n });
    expect((await http(stack, "POST", "/api/ballots", body)).status).to.equal(202);
    await eventually(async () => ((await stack.staff.poll(pollId)).ballots === 1n ? true : null));

    const list = await veche(env, ["poll", "list"]);
    const [header, row] = list.stdout.split("\n");
    expect(header).to.match(/^\s+ID\s+STATE\s+BALLOTS\s+ENDS \(UTC\)\s+TITLE$/);
    expect(row).to.match(new RegExp(`^\\s+${pollId}\\s+Active\\s+1\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+Benches`));

    const shown = await veche(env, ["poll", "show", String(pollId)]);
    expect(shown.stdout).to.contain("1 ballot on the ledger from 1 resident");
    expect(shown.stdout).to.contain("1 point");
    await veche(env, ["poll", "close", String(pollId)]);
    const finalized = await veche(env, ["poll", "finalize", String(pollId)]);
    expect(finalized.stdout).to.contain(`finalized poll ${pollId}: 1 ballot from 1 resident, recount matches`);
    const audit = await veche(env, ["audit", "--poll", String(pollId)]);
    expect(audit.stdout).to.contain("1 ballot from 1 resident");

    // What the city decided goes on-chain once; the site and `poll show` read it back.
    const outcome = ["poll", "outcome", String(pollId), "--text", "Benches in May.", "--text-ru", "Скамейки в мае."];
    const published = await veche(env, outcome);
    expect(published.code, published.stderr).to.equal(0);
    expect((await veche(env, ["poll", "show", String(pollId)])).stdout).to.contain("outcome: Benches in May.");
    const again = await veche(env, outcome);
    expect([again.code, again.stderr]).to.deep.equal([
      1,
      `veche: poll ${pollId} already has a published outcome; an outcome is published once\n`,
    ]);
    const api = await eventually(async () => {
      const res = await http<{ outcome: { text: { ru: string } } | null }>(stack, "GET", `/api/polls/${pollId}`);
      return res.body.outcome;
    });
    expect(api.text.ru).to.equal("Скамейки в мае.");
  });

  it("refuses an outcome for a poll still open, by name", async () => {
    const env = cliEnv(stack);
    const { pollId } = await vecheJson<{ pollId: number }>(env, ["poll", "create", pollFile(dir)]);
    const run = await veche(env, ["poll", "outcome", String(pollId), "--text", "x", "--text-ru", "y", "--json"]);
    expect(run.code).to.equal(1);
    expect(JSON.parse(run.stderr)).to.deep.include({
      error: {
        code: "PollUnexpectedState",
        message: `poll ${pollId} is Active; it must be Closed or Finalized`,
        details: { revert: "PollUnexpectedState", args: [String(pollId), "1"] },
      },
    });
  });

  it("issues a password-reset code the resident can use", async () => {
    const env = cliEnv(stack);
    const { residentId } = await signedInResident(stack);
    const human = await veche(env, ["residents", "reset", residentId]);
    expect(human.stdout).to.match(new RegExp(`^${residentId}: reset code [2-9A-Z]{12} \\(valid until .* UTC\\)\\n$`));
    const code = /reset code (\S+)/.exec(human.stdout)?.[1];
    const reset = await http(stack, "POST", "/api/auth/reset", { residentId, code, password: "a new long password" });
    expect(reset.status).to.equal(200);
    const unknown = await veche(env, ["residents", "reset", "nobody", "--json"]);
    expect((JSON.parse(unknown.stderr) as { error: { code: string } }).error.code).to.equal("RESIDENT_NOT_FOUND");
  });

  it("names itself `veche audit` in the audit's help", async () => {
    const help = await veche(cliEnv(stack), ["audit", "--help"]);
    expect(help.stdout).to.match(/^Usage: veche audit /);
    expect(help.stdout).to.contain("$ veche audit --rpc http://127.0.0.1:8545 --poll 3");
    const receiptHelp = await veche(cliEnv(stack), ["verify-receipt", "--help"]);
    expect(receiptHelp.stdout).to.match(/^Usage: veche verify-receipt /);
  });

  it("looks up an unknown voucher code with a clear error", async () => {
    const run = await veche(cliEnv(stack), ["rewards", "voucher", "AAAA-BBBB-CCCC", "--json"]);
    expect(run.code).to.equal(1);
    expect((JSON.parse(run.stderr) as { error: { code: string } }).error.code).to.equal("VOUCHER_NOT_FOUND");
  });
});
