import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { stringify as toYaml } from "yaml";
import { encodeChoices } from "../../contracts/protocol";
import type { PollFileInput } from "../../scripts/cli/polls/pollFile";
import type { ImportResult } from "../../scripts/cli/residents/importResidents";
import { csvField, parseHeader, parseRow } from "../../scripts/cli/residents/csv";
import type { Columns } from "../../scripts/cli/residents/csv";
import type { PollDetail, PollOverview } from "../../scripts/cli/polls/readPolls";
import { enrolVoter, eventually, http, signedBallot, startStack, STAFF_TOKEN } from "../api/harness";
import type { Stack } from "../api/harness";
import { cliEnv, tempDir, veche, vecheBin, vecheJson } from "./cliHarness";

const text = (en: string) => ({ en, ru: `${en} (ru)` });

function pollFile(dir: string, overrides: Partial<PollFileInput> = {}, ext = "yaml"): string {
  const poll: PollFileInput = {
    title: text("Should the park get a new playground?"),
    description: text("A poll made by the CLI tests."),
    questions: [
      { text: text("Build it?"), options: [text("Yes"), text("No")] },
      { text: text("Which equipment?"), maxChoices: 2, options: [text("Swings"), text("Slide"), text("Sandpit")] },
    ],
    schedule: { duration: "1h" },
    scope: { cityWide: true },
    points: 5,
    ...overrides,
  };
  const file = path.join(dir, `poll-${crypto.randomBytes(4).toString("hex")}.${ext}`);
  fs.writeFileSync(file, ext === "json" ? JSON.stringify(poll) : toYaml(poll));
  return file;
}

function register(dir: string, rows: string[], name = "register.csv"): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `residentId,district,building\n${rows.join("\n")}\n`);
  return file;
}

function newIds(count: number): string[] {
  const prefix = crypto.randomBytes(4).toString("hex");
  return Array.from({ length: count }, (_, i) => `t${prefix}-${i}`);
}

describe("veche CLI", function () {
  this.timeout(180_000);
  let stack: Stack;
  let dir: string;
  before(async () => {
    stack = await startStack();
    dir = tempDir("veche-cli-");
  });
  after(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("residents import", () => {
    it("writes cells a spreadsheet would run as formulas as plain text", async () => {
      const [a, b, c, d] = newIds(4);
      const hostile = [
        `${a},1,"=HYPERLINK(""http://evil.example"",""click"")"`,
        `${b},2,+1+1`,
        `${c},3,@SUM(A1:A9)`,
        `-${d},4,"\t=1+2"`,
      ];
      const file = register(dir, hostile, "hostile.csv");
      const result = await vecheJson<ImportResult>(cliEnv(stack), ["residents", "import", file]);
      expect(result).to.include({ valid: 4, created: 4 });
      const cells = fs
        .readFileSync(result.codesFile, "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
        .map((cell) => cell.replace(/,$/, "").replace(/^"(.*)"$/s, "$1"))
        .filter((cell) => cell !== "");
      for (const cell of cells) expect(cell, cell).to.not.match(/^[=+\-@\t\r]/);
      expect(cells).to.include(`'-${d}`);
      expect(cells).to.include("'+1+1");
      // Read back as a register, a disarmed cell is the value it was given.
      const columns = parseHeader("residentId,district,building") as Columns;
      const line = [`-${d}`, "4", "=1+2"].map(csvField).join(",");
      expect(parseRow(line, columns)).to.deep.equal({ residentId: `-${d}`, district: 4, building: "=1+2" });
    });

    it("imports a good file, writes the new residents' codes (mode 0600) and the codes activate", async () => {
      const ids = newIds(5);
      const file = register(dir, [
        ...ids.slice(0, 4).map((id, i) => `${id},${i + 1},Tverskaya ${i}`),
        `${ids[4]},7,"Arbat 10, bldg 2"`,
      ]);
      const result = await vecheJson<ImportResult>(cliEnv(stack), ["residents", "import", file]);
      expect(result).to.include({ rows: 5, valid: 5, invalid: 0, created: 5, existing: 0 });
      expect(result.codesFile).to.equal(path.join(dir, "register.codes.csv"));
      expect(fs.statSync(result.codesFile).mode & 0o777).to.equal(0o600);
      const lines = fs.readFileSync(result.codesFile, "utf8").trim().split("\n");
      expect(lines[0]).to.equal("residentId,district,building,activationCode");
      expect(lines.slice(1).map((l) => l.split(",")[0])).to.deep.equal(ids);
      expect(lines[5]).to.match(new RegExp(`^${ids[4]},7,"Arbat 10, bldg 2",\\S+$`));

      const [residentId, , , code] = (lines[1] as string).split(",");
      const activated = await http(stack, "POST", "/api/auth/activate", {
        residentId,
        code,
        password: "a long enough password",
      });
      expect(activated.status).to.equal(200);
    });

    it("re-importing the same file creates nothing and issues no new codes", async () => {
      const ids = newIds(3);
      const file = register(
        dir,
        ids.map((id) => `${id},2,Petrovka 1`),
        "again.csv",
      );
      const first = await vecheJson<ImportResult>(cliEnv(stack), ["residents", "import", file]);
      const codesBefore = fs.readFileSync(first.codesFile, "utf8");
      const second = await vecheJson<ImportResult>(cliEnv(stack), ["residents", "import", file]);
      expect(first).to.include({ created: 3, existing: 0 });
      expect(second).to.include({ created: 0, existing: 3 });
      expect(fs.readFileSync(first.codesFile, "utf8")).to.equal(codesBefore);
    });

    it("reports every bad row by line number and imports nothing from a file with errors", async () => {
      const ids = newIds(3);
      const file = register(
        dir,
        [`${ids[0]},1,Arbat 1`, "bad id!,1,Arbat 2", `${ids[1]},-4,Arbat 3`, `${ids[2]},1`, `${ids[0]},1,Arbat 1`],
        "bad.csv",
      );
      const statsBefore = await http<{ total: number }>(
        stack,
        "GET",
        "/api/admin/residents/stats",
        undefined,
        STAFF_TOKEN,
      );
      const run = await veche(cliEnv(stack), ["residents", "import", file]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain("4 invalid rows; nothing was imported");
      for (const line of [3, 4, 5, 6]) expect(run.stderr).to.contain(`line ${line}:`);
      expect(run.stderr).not.to.contain("line 2:");
      expect(fs.existsSync(path.join(dir, "bad.codes.csv"))).to.equal(false);
      const statsAfter = await http<{ total: number }>(
        stack,
        "GET",
        "/api/admin/residents/stats",
        undefined,
        STAFF_TOKEN,
      );
      expect(statsAfter.body.total).to.equal(statsBefore.body.total);

      const skipping = await vecheJson<ImportResult>(cliEnv(stack), ["residents", "import", file, "--skip-invalid"]);
      expect(skipping).to.include({ valid: 1, invalid: 4, created: 1 });
    });

    it("rejects a file whose header does not name the columns", async () => {
      const file = path.join(dir, "noheader.csv");
      fs.writeFileSync(file, "id,district,building\nx1,1,Arbat 1\n");
      const run = await veche(cliEnv(stack), ["residents", "import", file, "--json"]);
      expect(run.code).to.equal(1);
      const error = (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;
      expect(error.code).to.equal("RESIDENTS_HEADER_INVALID");
      expect(error.message).to.contain('"residentId" is missing');
    });
  });

  describe("polls", () => {
    it("runs a poll's lifecycle: create, show with live tallies, close, finalize after a matching recount", async () => {
      const env = cliEnv(stack);
      const created = await vecheJson<{ pollId: number; txHash: string; block: number; start: string; end: string }>(
        env,
        ["poll", "create", pollFile(dir)],
      );
      expect(created.pollId).to.be.a("number");
      expect(created.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(Date.parse(created.end) - Date.parse(created.start)).to.equal(3600_000);

      const questions = [
        { options: 2, maxChoices: 1 },
        { options: 3, maxChoices: 2 },
      ];
      const votes = [
        [[0], [0, 2]],
        [[0], [1]],
        [[1], [2]],
      ];
      const ballotIds: string[] = [];
      for (const selected of votes) {
        const key = await enrolVoter(stack, 3);
        const ballot = { pollId: BigInt(created.pollId), choices: encodeChoices(questions, selected), revision: 1n };
        const posted = await http<{ ballotId: string }>(
          stack,
          "POST",
          "/api/ballots",
          await signedBallot(stack, key, ballot),
        );
        expect(posted.status).to.equal(202);
        ballotIds.push(posted.body.ballotId);
      }
      const shown = await eventually(
        async () => {
          const detail = await vecheJson<PollDetail>(env, ["poll", "show", String(created.pollId)]);
          return detail.ballots === 3 ? detail : null;
        },
        30_000,
        "three ballots counted",
      );
      expect(shown).to.include({ pollId: created.pollId, state: "Active", cityWide: true, revote: false, points: 5 });
      expect(shown.title).to.deep.equal(text("Should the park get a new playground?"));
      expect(shown.textVerified).to.equal(true);
      expect(shown.questions.map((q) => q.options.map((o) => [o.text?.en, o.votes]))).to.deep.equal([
        [
          ["Yes", 2],
          ["No", 1],
        ],
        [
          ["Swings", 1],
          ["Slide", 1],
          ["Sandpit", 2],
        ],
      ]);
      expect(shown.ballotRoot).to.equal(await stack.staff.ballotRoot(created.pollId));

      const humanShow = await veche(env, ["poll", "show", String(created.pollId)]);
      expect(humanShow.stdout).to.contain("Which equipment? (pick up to 2; shares are of residents who answered)");
      // Shares are of the three residents who answered, not of the four ticks.
      expect(humanShow.stdout).to.match(/Sandpit\s+2\s+66\.7%/);

      const listed = await vecheJson<{ polls: PollOverview[] }>(env, ["poll", "list", "--state", "Active"]);
      expect(listed.polls.map((p) => p.pollId)).to.include(created.pollId);

      expect((await veche(env, ["poll", "finalize", String(created.pollId)])).stderr).to.contain(
        `poll ${created.pollId} is Active; it must be Closed`,
      );
      const closed = await vecheJson<{ pollId: number; txHash: string }>(env, [
        "poll",
        "close",
        String(created.pollId),
      ]);
      expect(closed.pollId).to.equal(created.pollId);
      const again = await veche(env, ["poll", "close", String(created.pollId)]);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.contain(`poll ${created.pollId} is Closed; it must be Active`);

      const finalized = await vecheJson<{ ballots: number; voters: number; root: string; tallies: string[] }>(env, [
        "poll",
        "finalize",
        String(created.pollId),
      ]);
      expect(finalized).to.include({ ballots: 3, voters: 3, root: shown.ballotRoot });
      expect(finalized.tallies).to.deep.equal(["2", "1", "1", "1", "2"]);
      const after = await vecheJson<PollDetail>(env, ["poll", "show", String(created.pollId)]);
      expect(after.state).to.equal("Finalized");
      expect(after.finalRoot).to.equal(shown.ballotRoot);

      // The observer tools are mounted too: an independent audit and a receipt check both pass.
      const audit = await veche(env, ["audit", "--poll", String(created.pollId)]);
      expect(audit.code, audit.stderr + audit.stdout).to.equal(0);
      const { body } = await http<{ receipt: Record<string, unknown> }>(stack, "GET", `/api/ballots/${ballotIds[0]}`);
      const receiptFile = path.join(dir, "receipt.json");
      const receipt = { ...body.receipt, ballotBox: stack.deployment.ballotBox, chainId: stack.deployment.chainId };
      fs.writeFileSync(receiptFile, JSON.stringify(receipt));
      const verified = await veche(env, ["verify-receipt", receiptFile]);
      expect(verified.code, verified.stderr + verified.stdout).to.equal(0);
    });

    it("cancels a poll, and refuses to cancel it twice", async () => {
      const env = cliEnv(stack);
      const { pollId } = await vecheJson<{ pollId: number }>(env, [
        "poll",
        "create",
        pollFile(dir, { scope: { districts: [4, 5] }, schedule: { startsIn: "1d", duration: "7d" } }, "json"),
      ]);
      const pending = await vecheJson<PollDetail>(env, ["poll", "show", String(pollId)]);
      expect(pending).to.include({ state: "Pending", cityWide: false });
      expect(pending.districts).to.deep.equal([4, 5]);
      await vecheJson(env, ["poll", "cancel", String(pollId)]);
      const listed = await vecheJson<{ polls: PollOverview[] }>(env, ["poll", "list"]);
      expect(listed.polls.find((p) => p.pollId === pollId)?.state).to.equal("Cancelled");
      const twice = await veche(env, ["poll", "cancel", String(pollId), "--json"]);
      expect(twice.code).to.equal(1);
      expect(JSON.parse(twice.stderr)).to.deep.include({
        error: {
          code: "PollUnexpectedState",
          message: `poll ${pollId} is Cancelled; it must be Pending, Active or Closed`,
          details: { revert: "PollUnexpectedState", args: [String(pollId), "3"] },
        },
      });
    });

    it("rejects an invalid poll file with every problem named, sending nothing", async () => {
      const env = cliEnv(stack);
      const before = await stack.provider.getTransactionCount(stack.chain.keys.staff.address);
      const file = pollFile(dir, {
        questions: [{ text: text("Only one option?"), maxChoices: 2, options: [text("Yes")] }],
        schedule: { duration: "forever" },
      });
      const run = await veche(env, ["poll", "create", file]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain("is not a valid poll");
      expect(run.stderr).to.contain("questions[0].options: at least 2 options");
      expect(run.stderr).to.contain("questions[0].maxChoices");
      expect(run.stderr).to.contain("schedule.duration");
      expect(await stack.provider.getTransactionCount(stack.chain.keys.staff.address)).to.equal(before);
    });

    it("names an unknown poll", async () => {
      const run = await veche(cliEnv(stack), ["poll", "show", "9999"]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain("poll 9999 does not exist");
    });
  });

  describe("rewards and keys", () => {
    it("lists a reward and reads it back", async () => {
      const env = cliEnv(stack);
      const listed = await vecheJson<{ rewardId: number }>(env, [
        "rewards",
        "add",
        "--cost",
        "25",
        "--stock",
        "3",
        "--title",
        "Museum pass",
        "--title-ru",
        "Билет в музей",
      ]);
      const { rewards } = await vecheJson<{
        rewards: {
          rewardId: number;
          cost: number;
          stock: number;
          active: boolean;
          title: string;
          content: { title: { ru: string } };
        }[];
      }>(env, ["rewards", "list"]);
      const reward = rewards.find((r) => r.rewardId === listed.rewardId);
      expect(reward).to.deep.include({ cost: 25, stock: 3, active: true, title: "Museum pass" });
      expect(reward?.content.title.ru).to.equal("Билет в музей");
    });

    it("creates an encrypted keystore and uses it; a key without the role is refused by name", async () => {
      const file = path.join(dir, "staff.keystore.json");
      const env = { ...cliEnv(stack), VECHE_KEYSTORE_PASSWORD: "correct horse battery" };
      const created = await vecheJson<{ address: string; file: string }>(env, ["keys", "create", "--out", file]);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.readFileSync(file, "utf8")).not.to.contain(created.address.slice(2).toLowerCase().repeat(2));
      const address = await vecheJson<{ address: string }>(env, ["keys", "address", "--keystore", file]);
      expect(address.address).to.equal(created.address);

      const wrong = await veche({ ...env, VECHE_KEYSTORE_PASSWORD: "not the password" }, [
        "keys",
        "address",
        "--keystore",
        file,
      ]);
      expect(wrong.code).to.equal(1);
      expect(wrong.stderr).to.contain("wrong password");

      // A fresh key holds no role: the contract's revert comes back by name.
      const funder = new Wallet(stack.chain.keys.deployer.privateKey, stack.provider);
      await (await funder.sendTransaction({ to: created.address, value: 10n ** 17n })).wait();
      const refused = await veche(env, ["poll", "close", "1", "--keystore", file]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain(`account ${created.address} lacks the pollAdmin role`);
    });
  });

  describe("errors and the executable", () => {
    it("exits 2 on an unknown command or bad arguments, 1 without a staff key", async () => {
      const env = cliEnv(stack);
      const unknown = await veche(env, ["frobnicate"]);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.contain("unknown command 'frobnicate'");
      expect((await veche(env, ["poll", "show", "abc"])).code).to.equal(2);
      expect((await veche(env, ["poll", "create"])).code).to.equal(2);
      expect((await veche(env, ["rewards", "add", "--cost", "5"])).code).to.equal(2);

      const noKeys = { ...env, VECHE_DATA_DIR: tempDir("veche-nokeys-") };
      const missing = await veche(noKeys, ["poll", "close", "1"]);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.contain("no staff key");
      const noToken = await veche({ ...noKeys, VECHE_STAFF_TOKEN: undefined }, ["residents", "stats"]);
      expect(noToken.code).to.equal(1);
      expect(noToken.stderr).to.contain("no staff API token");
    });

    it("prints help with examples", async () => {
      const help = await veche({}, ["poll", "create", "--help"]);
      expect(help.code).to.equal(0);
      expect(help.stdout).to.contain("Examples:");
      expect(help.stdout).to.contain("veche poll create");
    });

    it("runs as the bin.js executable", async () => {
      const env = cliEnv(stack);
      const list = await vecheBin(env, ["poll", "list", "--json"]);
      expect(list.code, list.stderr).to.equal(0);
      expect((JSON.parse(list.stdout) as { polls: unknown[] }).polls).to.be.an("array").that.is.not.empty;
      const stats = await vecheBin(env, ["residents", "stats", "--json"]);
      expect(stats.code, stats.stderr).to.equal(0);
      expect(JSON.parse(stats.stdout)).to.have.keys(["total", "activated", "withKey"]);
      const bad = await vecheBin(env, ["nonsense"]);
      expect(bad.code).to.equal(2);
    });

    it("deploys a fresh ballot box to another network name and refuses to overwrite it", async () => {
      const deployments = tempDir("veche-deploy-");
      const env = {
        ...cliEnv(stack),
        DEPLOYMENTS_DIR: deployments,
        VECHE_NETWORK: "staging",
        VECHE_STAFF_KEY: stack.chain.keys.deployer.privateKey,
      };
      const deployed = await vecheJson<{ ballotBox: string; chainId: number; file: string }>(env, ["deploy"]);
      expect(deployed.file).to.equal(path.join(deployments, "staging.json"));
      expect(JSON.parse(fs.readFileSync(deployed.file, "utf8"))).to.include({
        network: "staging",
        chainId: stack.deployment.chainId,
        ballotBox: deployed.ballotBox,
      });
      expect(await stack.provider.getCode(deployed.ballotBox)).not.to.equal("0x");
      const polls = await vecheJson<{ polls: unknown[] }>(env, ["poll", "list"]);
      expect(polls.polls).to.deep.equal([]);
      const again = await veche(env, ["deploy"]);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.contain("already names the ballot box");
    });
  });
});
