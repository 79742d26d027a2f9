/**
 * Gas per ballot on Hardhat's network (`npm run gas`): the first ballot of a poll, typical later
 * ballots (mean and max after a warm-up) and re-votes, for a one-question and a three-question poll,
 * plus where a typical ballot's gas goes. Writes the figures to <VECHE_DATA_DIR>/bench/gas.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { Wallet, keccak256, toUtf8Bytes, id as hashText } from "ethers";
import type { Signer } from "ethers";
import { deployVeche } from "../../node/deploy/deployVeche";
import { BALLOT_TYPES, ballotDomain, ballotMessage, encodeChoices } from "../../contracts/protocol";
import type { BallotBox, Question } from "../../contracts/protocol";
import { breakdown } from "./gasBreakdown";
import { SECRET_GOAL, measureSecretBallots } from "./secretBallotGas";
import type { GasBreakdown, StructLog } from "./gasBreakdown";

const GOAL = 75_000;
const WARM_UP = 20;
const MEASURED = 300;
const REVOTES = 50;

interface PollShape {
  label: string;
  questions: Question[];
  /** A valid choice bitmap for the n-th ballot, varied so every option is used. */
  choices: (n: number) => bigint;
}

const SHAPES: PollShape[] = [
  {
    label: "1 question × 2 options",
    questions: [{ options: 2, maxChoices: 1 }],
    choices: (n) => BigInt(1 + (n % 2)),
  },
  {
    label: "3 questions (3, 4 pick ≤2, 5 options)",
    questions: [
      { options: 3, maxChoices: 1 },
      { options: 4, maxChoices: 2 },
      { options: 5, maxChoices: 1 },
    ],
    choices(n) {
      const second = n % 3 === 0 ? [n % 4, (n + 1) % 4] : [n % 4];
      return encodeChoices(this.questions, [[n % 3], second, [(n * 7) % 5]]);
    },
  },
];

interface Figure {
  name: string;
  value: number;
  unit: string;
  reference: string;
  referenceValue: number;
}

interface Ballots {
  box: BallotBox;
  relayer: Signer;
  domain: ReturnType<typeof ballotDomain>;
  voters: Wallet[];
}

async function setUp(): Promise<Ballots & { admin: Signer; registrar: Signer }> {
  const [admin, registrar, relayer] = await hre.ethers.getSigners();
  if (!admin || !registrar || !relayer) throw new Error("need 3 signers");
  const { ballotBox, address } = await deployVeche(admin, admin.address, {
    pollAdmin: [admin.address],
    registrar: [registrar.address],
    relayer: [relayer.address],
  });
  const { chainId } = await hre.ethers.provider.getNetwork();
  // Enough residents that their ballot records spill into a second packed word, as in a real city.
  const voters = Array.from(
    { length: WARM_UP + MEASURED + 1 },
    (_, i) => new Wallet(keccak256(toUtf8Bytes(`veche-gas-voter-${i}`))),
  );
  for (const [i, voter] of voters.entries()) {
    await (await ballotBox.connect(registrar).enrol(hashText(`gas-resident-${i}`), voter.address, 1)).wait();
  }
  return { box: ballotBox, relayer, domain: ballotDomain(chainId, address), voters, admin, registrar };
}

async function createPoll(box: BallotBox, admin: Signer, shape: PollShape, revote: boolean): Promise<bigint> {
  const now = (await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0;
  await (
    await box.connect(admin).createPoll({
      contentHash: hashText(shape.label),
      uri: "ipfs://gas-poll",
      start: now,
      end: now + 30 * 24 * 3600,
      questions: shape.questions,
      districts: [],
      revote,
      points: 10,
    })
  ).wait();
  return box.pollCount();
}

async function cast(b: Ballots, voter: Wallet, pollId: bigint, choices: bigint, revision: bigint) {
  const ballot = { pollId, choices, revision };
  const signature = await voter.signTypedData(b.domain, BALLOT_TYPES, ballotMessage(ballot));
  const tx = await b.box.connect(b.relayer).castBallot(pollId, choices, revision, signature);
  const receipt = await tx.wait();
  if (!receipt) throw new Error("ballot was not mined");
  return { gas: Number(receipt.gasUsed), hash: tx.hash, data: tx.data };
}

interface Measured {
  gas: number;
  hash: string;
  data: string;
}

const mean = (xs: readonly number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const max = (xs: readonly number[]) => Math.max(...xs);

/** The measured ballot whose gas is the median: the "typical" one to trace. */
function median(ballots: readonly Measured[]): Measured {
  const sorted = [...ballots].sort((a, b) => a.gas - b.gas);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error("no ballots measured");
  return middle;
}

async function trace(ballot: Measured): Promise<GasBreakdown> {
  const result = (await hre.network.provider.send("debug_traceTransaction", [
    ballot.hash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ])) as { structLogs: StructLog[] };
  return breakdown(result.structLogs, ballot.data, ballot.gas);
}

async function measureShape(b: Ballots, admin: Signer, shape: PollShape) {
  const figures: Figure[] = [];
  const goal = (name: string, value: number) =>
    figures.push({
      name: `ballot gas, ${shape.label}: ${name}`,
      value,
      unit: "gas",
      reference: "goal",
      referenceValue: GOAL,
    });
  const traced: [string, Measured][] = [];

  for (const revote of [false, true]) {
    const pollId = await createPoll(b.box, admin, shape, revote);
    const kind = revote ? "re-vote poll" : "one-vote poll";
    const counted: Measured[] = [];
    for (const [n, voter] of b.voters.entries()) {
      counted.push(await cast(b, voter, pollId, shape.choices(n), 1n));
    }
    const later = counted.slice(1 + WARM_UP);
    goal(`first ballot of a ${kind}`, counted[0]?.gas ?? 0);
    goal(`typical ballot in a ${kind}, mean of ${later.length}`, mean(later.map((m) => m.gas)));
    goal(`typical ballot in a ${kind}, max of ${later.length}`, max(later.map((m) => m.gas)));
    traced.push([`${shape.label}, typical ballot, ${kind}`, median(later)]);

    if (revote) {
      const revotes: Measured[] = [];
      for (const [n, voter] of b.voters.slice(0, REVOTES).entries()) {
        revotes.push(await cast(b, voter, pollId, shape.choices(n + 1), 2n));
      }
      goal(`re-vote, mean of ${REVOTES}`, mean(revotes.map((m) => m.gas)));
      goal(`re-vote, max of ${REVOTES}`, max(revotes.map((m) => m.gas)));
      traced.push([`${shape.label}, re-vote`, median(revotes)]);
    }
  }
  return { figures, traced };
}

function printFigures(figures: readonly Figure[]): void {
  const width = Math.max(...figures.map((f) => f.name.length));
  console.log(`\n${"ballot transaction".padEnd(width)}  gasUsed   goal ≤ ${GOAL} (secret ≤ ${SECRET_GOAL})`);
  for (const f of figures) {
    const verdict = f.value <= f.referenceValue ? "ok" : "OVER";
    console.log(`${f.name.padEnd(width)}  ${String(f.value).padStart(7)}   ${verdict}`);
  }
}

function printBreakdowns(traced: readonly [string, GasBreakdown][]): void {
  const parts = [...new Set(traced.flatMap(([, b]) => b.parts.map(([name]) => name)))];
  const width = Math.max(...parts.map((p) => p.length), 20);
  console.log("\nWhere the gas goes (measured from debug_traceTransaction of the median ballot of each kind):");
  traced.forEach(([label], i) => console.log(`  [${i + 1}] ${label}`));
  console.log(`${"part".padEnd(width)}${traced.map((_, i) => `[${i + 1}]`.padStart(9)).join("")}`);
  for (const part of parts) {
    const cells = traced.map(([, b]) => String(b.parts.find(([name]) => name === part)?.[1] ?? 0).padStart(9));
    console.log(`${part.padEnd(width)}${cells.join("")}`);
  }
  console.log(`${"= gasUsed".padEnd(width)}${traced.map(([, b]) => String(b.gasUsed).padStart(9)).join("")}`);
  console.log(
    `${"  (SSTOREs / SLOADs)".padEnd(width)}${traced.map(([, b]) => `${b.sstores}/${b.sloads}`.padStart(9)).join("")}`,
  );
  console.log(
    "\nIntrinsic = 21000 per transaction; calldata = 4 gas per zero byte + 16 per non-zero byte (EIP-2028);" +
      "\nthe other parts sum each opcode's measured cost (gas left before it minus gas left after it), so the" +
      "\necrecover line is the precompile's 3000 plus the call's warm-access cost, and SSTORE lines include the" +
      "\nEIP-2929 cold-slot surcharge (2100) on top of EIP-2200 write costs (2900 update, 20000 new slot).",
  );
}

async function main(): Promise<void> {
  if (hre.network.name !== "hardhat") throw new Error("run on Hardhat's in-process network: npm run gas");
  const setup = await setUp();
  const figures: Figure[] = [];
  const traced: [string, GasBreakdown][] = [];
  for (const shape of SHAPES) {
    const measured = await measureShape(setup, setup.admin, shape);
    figures.push(...measured.figures);
    for (const [label, ballot] of measured.traced) traced.push([label, await trace(ballot)]);
  }
  const secret = await measureSecretBallots(setup.box, setup.admin, setup.registrar, setup.relayer);
  figures.push(
    ...secret.rows.map((r) => ({
      name: `ballot gas, secret, 1 question × 2: ${r.name}`,
      value: r.value,
      unit: "gas",
      reference: "goal for secret ballots",
      referenceValue: SECRET_GOAL,
    })),
  );
  for (const [label, ballot] of secret.traced) traced.push([label, await trace(ballot)]);
  for (const [label, b] of traced) {
    const sum = b.parts.reduce((total, [, gas]) => total + gas, 0);
    if (sum !== b.gasUsed) throw new Error(`breakdown of ${label} sums to ${sum}, not ${b.gasUsed}`);
  }

  printFigures(figures);
  printBreakdowns(traced);

  const dir = path.join(process.env.VECHE_DATA_DIR ?? ".veche", "bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "gas.json");
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

// The proofs' prover (snarkjs) keeps worker threads alive, which would hold the process open.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
