/**
 * Seeds the demo city once, through the staff CLI's own command functions (the same code `npx veche`
 * runs): the register from a generated CSV, the polls from YAML poll files, the rewards; then a few
 * demo voters activate, enrol keys and vote through the API, so the site opens on live results.
 * Each finished step is recorded in `seed-state.json`, so a seeding cut short resumes where it stopped.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { stringify as toYaml } from "yaml";
import { ApiClient } from "../cli/api";
import { createContext } from "../cli/context";
import type { CliContext } from "../cli/context";
import { csvField } from "../cli/residents/csv";
import { residentsImport } from "../cli/residents/command";
import { pollCreateFromFile } from "../cli/polls/command";
import {
  castSecretBallots,
  enrolIdentities,
  SECRET_POLL_NAME,
  SECRET_RENOVATION_POLL,
  waitForSecretBallots,
} from "./secretPoll";
import { addReward } from "../cli/rewards/rewards";
import type { Env } from "../cli/io";
import { closePoll, finalizePoll, publishOutcome } from "../cli/polls/pollActions";
import { showPoll } from "../cli/polls/readPolls";
import { DEMO_OUTCOMES, DEMO_POLLS, DEMO_REWARDS, demoResident } from "./city";
import { keyBackup } from "./keyBackup";
import { castBallot, enrolVoter, seededRandom, waitForBallots } from "./voters";
import type { ChainConfig } from "../../api/wire/health";
import type { MyPoll } from "../../api/wire/polls";
import type { EnrolledVoter, PostedBallot } from "./voters";

export const ACTIVATION_CODES_FILE = "activation-codes.csv";
export const DEMO_VOTERS_FILE = "demo-voters.csv";
/** Demo voters' keys, one backup file each, for restoring in a browser (Voter key → Restore). */
export const VOTER_KEYS_DIR = "voter-keys";
/** The demo voters' Semaphore identities (exported private keys), to vote secretly from another browser. */
export const DEMO_IDENTITIES_FILE = "demo-identities.csv";
export const SEEDED_MARKER = "seeded.json";
const STATE_FILE = "seed-state.json";

export interface SeedOptions {
  /** The CLI's environment: where the API, chain, deployment and staff credentials are. */
  env: Env;
  /** Where the demo's files go (`<data dir>/demo` under npm start). */
  demoDir: string;
  /** Residents in the register; default 300. */
  residents?: number;
  /** Residents who activate and vote; default 12. */
  voters?: number;
  log?: (message: string) => void;
}

export interface SeedResult {
  residents: number;
  codesFile: string;
  votersFile: string;
  polls: Record<string, number>;
  rewards: Record<string, number>;
  voters: number;
  ballots: number;
  mined: number;
}

interface SeedState {
  residents?: number;
  polls: Record<string, number>;
  rewards: Record<string, number>;
  voters?: { count: number; ballots: number; mined: number };
  /** Polls closed, finalized and given an outcome. */
  finished?: string[];
}

export function isSeeded(demoDir: string): boolean {
  return fs.existsSync(path.join(demoDir, SEEDED_MARKER));
}

function readState(demoDir: string): SeedState {
  try {
    return JSON.parse(fs.readFileSync(path.join(demoDir, STATE_FILE), "utf8")) as SeedState;
  } catch {
    return { polls: {}, rewards: {} };
  }
}

function writeState(demoDir: string, state: SeedState): void {
  fs.writeFileSync(path.join(demoDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Silent streams: the seeding reports through `log`, not the CLI's printing. */
function seedContext(env: Env): CliContext {
  const sink = { write: () => true };
  return createContext({ env, stdout: sink, stderr: sink, cwd: process.cwd() }, {});
}

function writeRegister(file: string, count: number): void {
  const lines = ["residentId,district,building"];
  for (let i = 0; i < count; i++) {
    const r = demoResident(i);
    lines.push([r.residentId, String(r.district), r.building].map(csvField).join(","));
  }
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
}

/** Activation codes from the codes file the import wrote, by resident id. */
function readCodes(file: string): Map<string, string> {
  const codes = new Map<string, string>();
  for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
    const fields = line.split(",");
    const residentId = fields[0];
    const code = fields[fields.length - 1];
    if (residentId && code && fields.length >= 4) codes.set(residentId, code);
  }
  return codes;
}

/** Keeps in the codes file only residents who can still activate: a newcomer may pick any row. */
function dropActivated(codesFile: string, activated: ReadonlySet<string>): void {
  const [header, ...rows] = fs.readFileSync(codesFile, "utf8").trim().split("\n");
  const left = rows.filter((line) => !activated.has(line.split(",")[0] ?? ""));
  fs.writeFileSync(codesFile, `${[header, ...left].join("\n")}\n`, { mode: 0o600 });
}

export async function seedDemoCity(options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const demoDir = path.resolve(options.demoDir);
  fs.mkdirSync(path.join(demoDir, "polls"), { recursive: true, mode: 0o700 });
  const ctx = seedContext(options.env);
  const state = readState(demoDir);
  const codesFile = path.join(demoDir, ACTIVATION_CODES_FILE);
  const votersFile = path.join(demoDir, DEMO_VOTERS_FILE);

  if (state.residents === undefined) {
    const register = path.join(demoDir, "residents.csv");
    writeRegister(register, options.residents ?? 300);
    const imported = await residentsImport(ctx, { file: register, out: codesFile });
    state.residents = imported.valid;
    writeState(demoDir, state);
    log(`imported ${imported.created} residents (${imported.existing} already there); codes in ${codesFile}`);
  }

  for (const [name, poll] of Object.entries(DEMO_POLLS)) {
    if (state.polls[name] !== undefined) continue;
    const file = path.join(demoDir, "polls", `${name}.yaml`);
    fs.writeFileSync(file, toYaml(poll));
    const created = await pollCreateFromFile(ctx, file);
    state.polls[name] = created.pollId;
    writeState(demoDir, state);
    log(`created poll ${created.pollId}: ${created.title}`);
  }

  for (const [name, reward] of Object.entries(DEMO_REWARDS)) {
    if (state.rewards[name] !== undefined) continue;
    const listed = await addReward(ctx, reward);
    state.rewards[name] = listed.rewardId;
    writeState(demoDir, state);
    log(`listed reward ${listed.rewardId}: ${reward.title}`);
  }

  if (state.voters === undefined) {
    const seeded = await seedVoters(ctx, codesFile, votersFile, options.voters ?? 12, log);
    state.voters = { count: seeded.count, ballots: seeded.ballots, mined: seeded.mined };
    state.polls[SECRET_POLL_NAME] = seeded.secretPollId;
    writeState(demoDir, state);
  }

  state.finished ??= [];
  for (const [name, text] of Object.entries(DEMO_OUTCOMES)) {
    const pollId = state.polls[name];
    if (pollId === undefined || state.finished.includes(name)) continue;
    // Each step checks the chain first, so a seeding cut short between them resumes.
    const shown = await showPoll(ctx, pollId);
    if (shown.state === "Active") await closePoll(ctx, pollId);
    if (shown.state !== "Finalized") await finalizePoll(ctx, pollId);
    if (!shown.outcome) await publishOutcome(ctx, pollId, text);
    state.finished.push(name);
    writeState(demoDir, state);
    log(`closed and finalized poll ${pollId} and published its outcome`);
  }

  const result: SeedResult = {
    residents: state.residents,
    codesFile,
    votersFile,
    polls: state.polls,
    rewards: state.rewards,
    voters: state.voters.count,
    ballots: state.voters.ballots,
    mined: state.voters.mined,
  };
  fs.writeFileSync(
    path.join(demoDir, SEEDED_MARKER),
    `${JSON.stringify({ seededAt: new Date().toISOString(), ...result }, null, 2)}\n`,
  );
  return result;
}

async function seedVoters(
  ctx: CliContext,
  codesFile: string,
  votersFile: string,
  count: number,
  log: (message: string) => void,
): Promise<{ count: number; ballots: number; mined: number; secretPollId: number }> {
  const codes = readCodes(codesFile);
  const chain = await new ApiClient({ baseUrl: ctx.apiUrl }).get<ChainConfig>("/api/config");
  const random = seededRandom(1136); // the year Novgorod's veche took power
  // The register's last residents vote, so the codes file starts with residents free to activate.
  const candidates = [...codes.entries()].slice(-count);
  const voters: EnrolledVoter[] = [];
  // A few at a time: each enrolment waits for its registrar transaction to be mined.
  for (let i = 0; i < candidates.length; i += 4) {
    const batch = candidates
      .slice(i, i + 4)
      .map(([residentId, code]) =>
        enrolVoter(ctx.apiUrl, chain, { residentId, code }, `demo-${crypto.randomBytes(9).toString("base64url")}`),
      );
    voters.push(...(await Promise.all(batch)));
  }
  const keysDir = path.join(path.dirname(votersFile), VOTER_KEYS_DIR);
  fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  for (const v of voters) {
    const backup = keyBackup(v.residentId, v.key, v.password);
    fs.writeFileSync(path.join(keysDir, `${v.residentId}.json`), `${JSON.stringify(backup, null, 2)}\n`, {
      mode: 0o600,
    });
  }
  const lines = [
    "residentId,password,voterKey,keyBackup",
    ...voters.map((v) => [v.residentId, v.password, v.address, `${VOTER_KEYS_DIR}/${v.residentId}.json`].join(",")),
  ];
  fs.writeFileSync(votersFile, `${lines.join("\n")}\n`, { mode: 0o600 });
  dropActivated(codesFile, new Set(voters.map((v) => v.residentId)));
  log(`${voters.length} demo voters activated and enrolled; their passwords are in ${votersFile}`);

  const ballots: PostedBallot[] = [];
  const revotePolls: { voter: EnrolledVoter; poll: MyPoll }[] = [];
  for (const voter of voters) {
    const { polls } = await voter.api.get<{ polls: MyPoll[] }>("/api/me/polls");
    for (const poll of polls.filter((p) => p.state === "Active" && p.myBallot === null)) {
      ballots.push(await castBallot(voter, chain, poll, 1, random));
      if (poll.revote && random() < 0.4) revotePolls.push({ voter, poll });
    }
  }
  // A re-vote must land after the ballot it replaces: wait for the first ballots before sending them.
  let mined = await waitForBallots(ctx.apiUrl, ballots, 60_000);
  const revotes: PostedBallot[] = [];
  for (const { voter, poll } of revotePolls) revotes.push(await castBallot(voter, chain, poll, 2, random));
  mined += await waitForBallots(ctx.apiUrl, revotes, 60_000);
  const total = ballots.length + revotes.length;
  log(`${total} demo ballots cast (${revotes.length} re-votes), ${mined} on the chain`);

  // The secret renovation vote: identities first, since the census is drawn when the poll is created.
  const identities = await enrolIdentities(voters);
  const secretFile = path.join(path.dirname(votersFile), "polls", `${SECRET_POLL_NAME}.yaml`);
  fs.writeFileSync(secretFile, toYaml(SECRET_RENOVATION_POLL));
  const secret = await pollCreateFromFile(ctx, secretFile);
  log(`created secret poll ${secret.pollId}: ${secret.title} (census of ${secret.census?.eligible ?? 0} residents)`);
  const secretIds = await castSecretBallots(ctx.apiUrl, chain, secret.pollId, identities, random);
  const secretMined = await waitForSecretBallots(ctx.apiUrl, secretIds, 120_000);
  log(`${secretIds.length} secret ballots cast, ${secretMined} on the chain`);
  const identityLines = [
    "residentId,identity",
    ...[...identities].map(([id, identity]) => `${id},${identity.export()}`),
  ];
  fs.writeFileSync(path.join(path.dirname(votersFile), DEMO_IDENTITIES_FILE), `${identityLines.join("\n")}\n`, {
    mode: 0o600,
  });
  return {
    count: voters.length,
    ballots: total + secretIds.length,
    mined: mined + secretMined,
    secretPollId: secret.pollId,
  };
}
