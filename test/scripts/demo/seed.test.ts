import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { DEMO_OUTCOMES, DEMO_POLLS, DEMO_REWARDS, RENOVATION_DISTRICT } from "../../../scripts/demo/city";
import { isSeeded, seedDemoCity } from "../../../scripts/demo/seed";
import { SECRET_POLL_NAME } from "../../../scripts/demo/secretPoll";
import { eventually, http, startStack } from "../../api/harness";
import type { Stack } from "../../api/harness";
import { cliEnv, tempDir } from "../cliHarness";

interface PollAnswer {
  pollId: number;
  state: string;
  cityWide: boolean;
  districts: number[];
  revote: boolean;
  ballots: number;
  tallies: string[];
  content: { title: { en: string; ru: string }; questions: unknown[]; results?: string } | null;
  outcome: { text: { en: string; ru: string } } | null;
}

describe("demo city seeding", function () {
  this.timeout(240_000);
  let stack: Stack;
  let demoDir: string;
  before(async () => {
    stack = await startStack();
    demoDir = tempDir("veche-demo-");
  });
  after(async () => {
    await stack?.stop();
    if (demoDir) fs.rmSync(demoDir, { recursive: true, force: true });
  });

  it("seeds residents, polls, rewards and live ballots through the CLI commands, once", async () => {
    expect(isSeeded(demoDir)).to.equal(false);
    const result = await seedDemoCity({ env: cliEnv(stack), demoDir, residents: 25, voters: 6 });
    expect(isSeeded(demoDir)).to.equal(true);

    // The register: 25 residents; the codes file (mode 0600) lists the 19 who can still activate,
    // so a newcomer may take any row, the first included.
    expect(result.residents).to.equal(25);
    const codes = fs.readFileSync(result.codesFile, "utf8").trim().split("\n");
    expect(codes).to.have.length(20);
    const [firstId, , , firstCode] = (codes[1] as string).split(",");
    const activated = await http(stack, "POST", "/api/auth/activate", {
      residentId: firstId,
      code: firstCode,
      password: "a newcomer's password",
    });
    expect(activated.status).to.equal(200);
    expect(fs.statSync(result.codesFile).mode & 0o777).to.equal(0o600);
    const stats = await http<{ total: number; activated: number; withKey: number }>(
      stack,
      "GET",
      "/api/admin/residents/stats",
      undefined,
      cliEnv(stack).VECHE_STAFF_TOKEN,
    );
    expect(stats.body).to.deep.equal({ total: 25, activated: 7, withKey: 6 });

    // The polls, with their texts in both languages, scoped as designed.
    expect(Object.keys(result.polls)).to.deep.equal([...Object.keys(DEMO_POLLS), SECRET_POLL_NAME]);
    const polls = new Map<string, PollAnswer>();
    const { [SECRET_POLL_NAME]: secretPollId, ...openPolls } = result.polls;
    for (const [name, pollId] of Object.entries(openPolls)) {
      // The CLI's last transactions are on the chain when seeding returns; the API indexes them a moment later.
      const res = await eventually(
        async () => {
          const answer = await http<PollAnswer>(stack, "GET", `/api/polls/${pollId}`);
          return name in DEMO_OUTCOMES && answer.status === 200 && !answer.body.outcome ? null : answer;
        },
        20_000,
        `the outcome of ${name} indexed`,
      );
      expect(res.status).to.equal(200);
      polls.set(name, res.body);
      expect(res.body.state).to.equal(name in DEMO_OUTCOMES ? "Finalized" : "Active");
      expect(res.body.content?.title).to.deep.equal(DEMO_POLLS[name]?.title);
      expect(res.body.outcome?.text ?? null).to.deep.equal(DEMO_OUTCOMES[name] ?? null);
    }
    expect(polls.get("renovation-tverskoy")?.content?.results).to.equal("afterClose");
    expect(polls.get("renovation-tverskoy")).to.deep.include({ cityWide: false, districts: [RENOVATION_DISTRICT] });
    expect(polls.get("metro-line-name")?.content?.questions).to.have.length(1);
    expect(polls.get("streets-and-parks-survey")?.content?.questions).to.have.length(3);
    expect(polls.get("pyatnitskaya-pedestrian")?.revote).to.equal(true);

    // The secret renovation vote: a census of the six voters by building, the 2/3 rule, secret ballots.
    const secret = await http<{
      secret: boolean;
      census: { eligible: number; areaKind: string } | null;
      rule: { share: string } | null;
      areas: { eligible: number; voters: number; accepted: boolean | null }[];
    }>(stack, "GET", `/api/polls/${secretPollId}`);
    expect(secret.body.secret).to.equal(true);
    expect(secret.body.census).to.include({ eligible: 6, areaKind: "building" });
    expect(secret.body.rule?.share).to.equal("2/3");
    expect(secret.body.areas.reduce((sum, a) => sum + a.voters, 0)).to.equal(6);
    expect(secret.body.areas.every((a) => a.accepted !== null)).to.equal(true);

    // Ballots are on the chain: six voters, each in every city-wide poll.
    expect(result.voters).to.equal(6);
    expect(result.mined).to.equal(result.ballots);
    expect(polls.get("metro-line-name")?.ballots).to.equal(6);
    const metroVotes = (polls.get("metro-line-name")?.tallies ?? []).reduce((sum, t) => sum + Number(t), 0);
    expect(metroVotes).to.be.within(6, 12);
    const voters = fs.readFileSync(result.votersFile, "utf8").trim().split("\n");
    expect(voters).to.have.length(7);
    expect(fs.statSync(result.votersFile).mode & 0o777).to.equal(0o600);

    // A demo voter can sign in with the password written for them, and their key backup holds their
    // enrolled key, encrypted with that password (the browser restores it: test/client).
    const [residentId, password, address, backupFile] = (voters[1] as string).split(",");
    const login = await http(stack, "POST", "/api/auth/login", { residentId, password });
    expect(login.status).to.equal(200);
    const backup = JSON.parse(fs.readFileSync(path.join(demoDir, backupFile ?? ""), "utf8")) as {
      residentId: string;
      address: string;
      ciphertext: string;
    };
    expect(backup).to.include({ residentId, address });
    expect(fs.readFileSync(path.join(demoDir, backupFile ?? ""), "utf8")).to.not.match(/0x[0-9a-f]{64}/i);

    // The rewards.
    const rewards = await http<{ rewards: { rewardId: number; cost: number }[] }>(stack, "GET", "/api/rewards");
    expect(rewards.body.rewards.map((r) => r.cost)).to.deep.equal(Object.values(DEMO_REWARDS).map((r) => r.cost));

    // Seeding again finds every step done and creates nothing.
    const pollCount = await stack.staff.pollCount();
    await seedDemoCity({ env: cliEnv(stack), demoDir, residents: 25, voters: 6 });
    expect(await stack.staff.pollCount()).to.equal(pollCount);
    expect(fs.readdirSync(path.join(demoDir, "polls")).sort()).to.deep.equal(
      [...Object.keys(DEMO_POLLS), SECRET_POLL_NAME].map((n) => `${n}.yaml`).sort(),
    );
  });
});
