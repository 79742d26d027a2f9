/**
 * `npm start` under a service manager, which signals the one process it started (the npm process):
 * SIGTERM or SIGINT must stop the API and the chain cleanly within 10 s, leave nothing running, and
 * keep the chain's state, so that the next start finds the same polls and ballots.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { tempDir } from "./cliHarness";

const REPO = path.resolve(__dirname, "..", "..");
const STOP_GOAL_MS = 10_000;

interface Started {
  npm: ChildProcess;
  apiUrl: string;
  output: () => string;
  exited: Promise<void>;
}

async function npmStart(dataDir: string): Promise<Started> {
  const npm = spawn("npm", ["start"], {
    cwd: REPO,
    env: {
      ...process.env,
      VECHE_DATA_DIR: dataDir,
      DEPLOYMENTS_DIR: path.join(dataDir, "deployments"),
      PORT: "0",
      CHAIN_PORT: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  npm.stdout.on("data", (d: Buffer) => (output += d.toString()));
  npm.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => npm.once("exit", () => resolve()));
  const deadline = Date.now() + 240_000;
  while (!/Veche is running/.test(output)) {
    if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const apiUrl = /site and API\s+(http:\/\/\S+)/.exec(output)?.[1];
  if (!apiUrl) throw new Error(`no API address in:\n${output}`);
  return { npm, apiUrl, output: () => output, exited };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ballotCounts(apiUrl: string): Promise<number[]> {
  const { polls } = (await (await fetch(`${apiUrl}/api/polls`)).json()) as { polls: { pollId: number }[] };
  return Promise.all(
    polls.map(
      async (p) => ((await (await fetch(`${apiUrl}/api/polls/${p.pollId}`)).json()) as { ballots: number }).ballots,
    ),
  );
}

/** Signals the npm process alone, as a service manager does; returns how long everything took to stop. */
async function stopWith(started: Started, signal: NodeJS.Signals, dataDir: string): Promise<number> {
  const anvilPid = Number(fs.readFileSync(path.join(dataDir, "chain", "anvil.pid"), "utf8"));
  const began = Date.now();
  started.npm.kill(signal);
  await Promise.race([started.exited, new Promise((r) => setTimeout(r, 30_000))]);
  const took = Date.now() - began;
  expect(started.npm.exitCode, `npm start still running after ${signal}:\n${started.output()}`).to.not.equal(null);
  expect(alive(anvilPid), "the chain node stopped with it").to.equal(false);
  expect(started.output()).to.match(/\[veche\] stopped/);
  return took;
}

describe("npm start stops cleanly on a service manager's signal", function () {
  this.timeout(600_000);
  let dataDir: string;
  before(() => {
    dataDir = tempDir("veche-start-");
  });
  after(() => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("stops on SIGTERM and then on SIGINT within 10 s each, keeping every ballot across the restart", async () => {
    const first = await npmStart(dataDir);
    const before = await ballotCounts(first.apiUrl);
    expect(before.reduce((a, b) => a + b, 0)).to.be.greaterThan(0);
    const termMs = await stopWith(first, "SIGTERM", dataDir);
    expect(termMs).to.be.lessThan(STOP_GOAL_MS);

    const second = await npmStart(dataDir);
    expect(await ballotCounts(second.apiUrl)).to.deep.equal(before);
    const intMs = await stopWith(second, "SIGINT", dataDir);
    expect(intMs).to.be.lessThan(STOP_GOAL_MS);
    console.log(`      stopped in ${termMs} ms (SIGTERM) and ${intMs} ms (SIGINT)`);
  });
});
