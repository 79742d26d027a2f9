/**
 * `npm run bench:secret-audit`: `veche audit` of a secret poll drawn over a census of 100,000
 * residents in 4,500 buildings — the renovation vote's shape — on the embedded chain, timed whole and
 * by part. Every resident is enrolled with an identity commitment by the registrar; a few hundred of
 * them vote with real proofs (made once, cached on disk). A poll of 100,000 ballots would need 100,000
 * distinct proofs (half a second each to make), so the audit of that many is projected from this run:
 * the audit measured here, plus the proof checks of 100,000 proofs on every core and the reading of
 * the other ballots at the per-ballot cost measured here.
 *
 *   npm run bench:secret-audit   (BENCH_AUDIT_RESIDENTS, BENCH_AUDIT_BUILDINGS, BENCH_AUDIT_SECRET_BALLOTS,
 *                                 BENCH_AUDIT_PROJECT_TO)
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet, id as hashText, keccak256, toUtf8Bytes } from "ethers";
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import {
  ballotBoxInterface,
  censusAreaArguments,
  censusMembers,
  encodePollContent,
  proofDepthFor,
  readRegistryEvents,
  secretBallotGasLimit,
  secretMessage,
  secretScope,
} from "../../contracts/protocol";
import type { Census, Deployment } from "../../contracts/protocol";
import { buildCensusOnThreads } from "../../contracts/protocol/node/censusOnThreads";
import { SNARK_SCALAR_FIELD } from "../../contracts/protocol/membershipBatch";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";
import type { MembershipClaim } from "../../contracts/protocol/node/membershipCheck";
import { signLegacyTx } from "../../contracts/protocol/node/ballotCodec";
import { encodeCastSecretBallot } from "../../contracts/protocol/node/secretCodec";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import type { EmbeddedChain } from "../../node/embedded/chain";
import { ensureDeployed } from "../../node/embedded/deploy";
import { auditPoll } from "../audit/audit";
import { checkOnAllCores } from "../audit/proofWorkers";
import { decodeSecretBallotInput, fetchSecretHistory, transactionInputs } from "../audit/secretHistory";
import { BENCH_DIR, markdownTable, writeFigures } from "./results";
import type { BenchFigure } from "./results";
import { processCpuSeconds } from "./cpu";
import { anvilPid, log, runUntilDone, startChainWithKeptKeys } from "./load";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RESIDENTS = env("BENCH_AUDIT_RESIDENTS", 100_000);
const BUILDINGS = env("BENCH_AUDIT_BUILDINGS", 4_500);
const BALLOTS = env("BENCH_AUDIT_SECRET_BALLOTS", 256);
const AUDIT_BALLOTS = env("BENCH_AUDIT_PROJECT_TO", 100_000);
const AUDIT_GOAL_S = 60;
/** Transactions in the node's pool at once while enrolling. */
const ENROL_CHUNK = 20_000;
const FIRST_BUILDING = 1000;
const QUESTIONS = [{ options: 2, maxChoices: 1 }];

const seconds = (began: number) => (performance.now() - began) / 1000;

/** The residents who vote have real identities; the others a commitment drawn from their index. */
function commitmentOf(i: number): bigint {
  if (i < BALLOTS) return new Identity(`bench-audit-identity-${i}`).commitment;
  return BigInt(keccak256(toUtf8Bytes(`bench-audit-commitment-${i}`))) % SNARK_SCALAR_FIELD;
}

/** Sends raw transactions in JSON-RPC batches and waits until the sender's nonce passes them. */
async function sendAll(rpc: NodeRpcClient, sender: string, raws: readonly string[], lastNonce: number): Promise<void> {
  for (let i = 0; i < raws.length; i += 500) {
    await rpc.batchAll(raws.slice(i, i + 500).map((raw) => ({ method: "eth_sendRawTransaction", params: [raw] })));
  }
  const deadline = Date.now() + 10 * 60_000;
  while (Number(await rpc.call<string>("eth_getTransactionCount", [sender, "latest"])) <= lastNonce) {
    if (Date.now() > deadline) throw new Error("transactions were not mined in time");
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every resident enrolled and given an identity in building FIRST_BUILDING + i % BUILDINGS. */
async function enrolCity(chain: EmbeddedChain, deployment: Deployment, rpc: NodeRpcClient): Promise<void> {
  const registrar = new Wallet(chain.keys.registrar.privateKey);
  const key = Buffer.from(registrar.privateKey.slice(2), "hex");
  let nonce = Number(await rpc.call<string>("eth_getTransactionCount", [registrar.address, "pending"]));
  const tx = (data: string) =>
    signLegacyTx(
      {
        nonce: nonce++,
        gasPrice: 10_000_000_000n,
        gasLimit: 250_000n,
        to: deployment.ballotBox,
        data: Buffer.from(data.slice(2), "hex"),
        chainId: BigInt(deployment.chainId),
      },
      key,
    ).raw;
  for (let first = 0; first < RESIDENTS; first += ENROL_CHUNK / 2) {
    const raws: string[] = [];
    for (let i = first; i < Math.min(RESIDENTS, first + ENROL_CHUNK / 2); i++) {
      const residentId = hashText(`bench-audit-resident-${i}`);
      const building = FIRST_BUILDING + (i % BUILDINGS);
      const voterKey = `0x${(0x5a000000 + i).toString(16).padStart(40, "0")}`;
      raws.push(
        tx(ballotBoxInterface.encodeFunctionData("enrol", [residentId, voterKey, 1 + (i % 12)])),
        tx(ballotBoxInterface.encodeFunctionData("commitIdentity", [residentId, commitmentOf(i), building])),
      );
    }
    await sendAll(rpc, registrar.address, raws, nonce - 1);
    log(`  ${Math.min(RESIDENTS, first + ENROL_CHUNK / 2).toLocaleString("en")} residents enrolled`);
  }
}

/** The secret poll over every building, its census built as the poll's creator builds it. */
async function createPoll(chain: EmbeddedChain, deployment: Deployment, rpc: NodeRpcClient) {
  const head = Number(await rpc.call<string>("eth_blockNumber", []));
  const events = await readRegistryEvents(rpc, deployment.ballotBox, deployment.deployedBlock, head);
  const census = await buildCensusOnThreads(censusMembers(events, head, [], "building"));
  const text = (value: string) => ({ en: value, ru: value });
  const { uri, contentHash } = encodePollContent({
    title: text("Bench renovation vote"),
    description: text("A secret poll over every building."),
    questions: [{ text: text("Renovate?"), options: [text("Yes"), text("No")] }],
    areas: "building",
    rule: { kind: "eligibleShare", question: 0, option: 0, share: "2/3" },
  });
  const block = await rpc.call<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
  const now = Number(block.timestamp);
  const data = ballotBoxInterface.encodeFunctionData("createSecretPoll", [
    { contentHash, uri, start: now, end: now + 86_400, questions: QUESTIONS, districts: [], revote: false, points: 0 },
    { root: census.root, areas: census.areas.length, eligible: census.eligible, snapshotBlock: head },
  ]);
  const staff = new Wallet(chain.keys.staff.privateKey);
  const nonce = Number(await rpc.call<string>("eth_getTransactionCount", [staff.address, "pending"]));
  const raw = signLegacyTx(
    {
      nonce,
      gasPrice: 10_000_000_000n,
      gasLimit: 2_000_000n,
      to: deployment.ballotBox,
      data: Buffer.from(data.slice(2), "hex"),
      chainId: BigInt(deployment.chainId),
    },
    Buffer.from(staff.privateKey.slice(2), "hex"),
  ).raw;
  await sendAll(rpc, staff.address, [raw], nonce);
  const pollCount = ballotBoxInterface.encodeFunctionData("pollCount", []);
  const pollId = Number(
    BigInt(await rpc.call<string>("eth_call", [{ to: deployment.ballotBox, data: pollCount }, "latest"])),
  );
  return { pollId, census };
}

interface CachedBallot {
  area: number;
  choices: string;
  proof: { depth: number; nullifier: string; points: string[] };
}

/** One ballot for each of the first BALLOTS residents, from the disk cache when this poll made them before. */
async function proofs(deployment: Deployment, pollId: number, census: Census): Promise<CachedBallot[]> {
  const key = crypto
    .createHash("sha256")
    .update(`${deployment.chainId}:${deployment.ballotBox}:${pollId}:${census.root}:${BALLOTS}`)
    .digest("hex")
    .slice(0, 16);
  const cache = path.join(BENCH_DIR, `secret-audit-proofs-${key}.json`);
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, "utf8")) as CachedBallot[];
  const scope = secretScope(deployment.chainId, deployment.ballotBox, pollId);
  const made: CachedBallot[] = [];
  const began = performance.now();
  for (let i = 0; i < BALLOTS; i++) {
    const area = FIRST_BUILDING + (i % BUILDINGS);
    const group = new Group(census.areas.find((a) => a.area === area)!.commitments);
    const choices = i % 3 === 0 ? 0b10n : 0b01n;
    const identity = new Identity(`bench-audit-identity-${i}`);
    const p = await proveMembership(identity, group, secretMessage(choices, 1n), scope, proofDepthFor(group.size));
    made.push({
      area,
      choices: choices.toString(),
      proof: { depth: p.merkleTreeDepth, nullifier: p.nullifier.toString(), points: p.points.map(String) },
    });
    if ((i + 1) % 64 === 0) log(`  ${i + 1} proofs, ${((performance.now() - began) / (i + 1)).toFixed(0)} ms each`);
  }
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(cache, JSON.stringify(made));
  return made;
}

/** The ballots cast by the relayer straight to the contract: this bench measures the audit, not the API. */
async function cast(chain: EmbeddedChain, deployment: Deployment, rpc: NodeRpcClient, pollId: number, census: Census) {
  const ballots = await proofs(deployment, pollId, census);
  const relayer = new Wallet(chain.keys.relayers[0]!.privateKey);
  let nonce = Number(await rpc.call<string>("eth_getTransactionCount", [relayer.address, "pending"]));
  const argumentOf = censusAreaArguments(census);
  const raws = ballots.map((b) => {
    const area = argumentOf(b.area)!;
    const data = encodeCastSecretBallot({
      pollId: BigInt(pollId),
      choices: BigInt(b.choices),
      revision: 1n,
      area,
      proof: { nullifier: BigInt(b.proof.nullifier), depth: BigInt(b.proof.depth), points: b.proof.points.map(BigInt) },
    });
    return signLegacyTx(
      {
        nonce: nonce++,
        gasPrice: 10_000_000_000n,
        gasLimit: secretBallotGasLimit(QUESTIONS, false, BigInt(b.choices), area.siblings.length),
        to: deployment.ballotBox,
        data,
        chainId: BigInt(deployment.chainId),
      },
      Buffer.from(relayer.privateKey.slice(2), "hex"),
    ).raw;
  });
  await sendAll(rpc, relayer.address, raws, nonce - 1);
  return ballots;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-bench-secret-audit-"));
  const chain = await startChainWithKeptKeys(dataDir);
  const rpc = new NodeRpcClient(chain.rpcUrl, 120_000);
  try {
    const deployment = await ensureDeployed({
      rpcUrl: chain.rpcUrl,
      deploymentsDir: path.join(dataDir, "deployments"),
      keys: chain.keys,
    });
    log(`enrolling ${RESIDENTS.toLocaleString("en")} residents with identities in ${BUILDINGS} buildings…`);
    let began = performance.now();
    await enrolCity(chain, deployment, rpc);
    log(`  in ${seconds(began).toFixed(0)} s`);
    const { pollId, census } = await createPoll(chain, deployment, rpc);
    log(`secret poll ${pollId}: census of ${census.eligible} in ${census.areas.length} areas; ${BALLOTS} ballots…`);
    const ballots = await cast(chain, deployment, rpc, pollId, census);

    log("veche audit of the secret poll…");
    // CPU of the node (anvil) and of this process, whose threads are the audit's and the chain's front.
    const anvil = anvilPid(dataDir);
    const cpuAt = () => ({ node: processCpuSeconds(anvil), self: process.cpuUsage() });
    const cpuSince = (at: ReturnType<typeof cpuAt>) => {
      const self = process.cpuUsage(at.self);
      return { node: processCpuSeconds(anvil) - at.node, self: (self.user + self.system) / 1e6 };
    };
    const auditCpuAt = cpuAt();
    began = performance.now();
    const report = await auditPoll({
      rpcUrl: chain.rpcUrl,
      ballotBox: deployment.ballotBox,
      pollId,
      fromBlock: deployment.deployedBlock,
    });
    const audit = seconds(began);
    const auditCpu = cpuSince(auditCpuAt);
    if (!report.ok) throw new Error(`the audit found ${JSON.stringify(report.findingCounts)}`);
    if (report.ballots !== BALLOTS) throw new Error(`the audit counted ${report.ballots} ballots of ${BALLOTS}`);
    log(`  ${report.ballots} ballots in ${audit.toFixed(2)} s`);

    // The audit's parts, each timed apart with the code the audit runs.
    const head = Number(await rpc.call<string>("eth_blockNumber", []));
    began = performance.now();
    const events = await readRegistryEvents(rpc, deployment.ballotBox, deployment.deployedBlock, head);
    const registryRead = seconds(began);
    began = performance.now();
    const rebuilt = await buildCensusOnThreads(censusMembers(events, head, [], "building"));
    const censusBuild = seconds(began);
    log(
      `  apart: ${events.length} registry events read in ${registryRead.toFixed(2)} s, census rebuilt in ${censusBuild.toFixed(2)} s`,
    );
    if (rebuilt.root !== census.root) throw new Error("the census rebuilt apart differs from the poll's");
    const history = await fetchSecretHistory(
      rpc,
      deployment.ballotBox,
      BigInt(pollId),
      { root: census.root, areas: census.areas.length, eligible: census.eligible, snapshotBlock: head },
      deployment.deployedBlock,
      head,
    );
    if (history.ballots.length !== BALLOTS) throw new Error("the history is missing ballots");
    // Each ballot's transaction read and decoded as the audit does, the poll's hashes read over and over.
    const hashes = history.ballots.map((b) => b.txHash);
    const readTimed = async (count: number) => {
      const all = Array.from({ length: count }, (_, i) => hashes[i % hashes.length]!);
      const start = performance.now();
      const inputs = await transactionInputs(rpc, all);
      for (const h of all)
        if (!decodeSecretBallotInput(inputs.get(h)!)) throw new Error("a ballot's input is unreadable");
      return seconds(start);
    };
    const readsHere = await readTimed(BALLOTS);
    const readsAtScale = await readTimed(AUDIT_BALLOTS);
    log(`  apart: ${AUDIT_BALLOTS} ballot transactions read and decoded in ${readsAtScale.toFixed(2)} s`);
    // An event costs about what a registry event did to read.
    const perLog = registryRead / events.length;

    const scope = secretScope(deployment.chainId, deployment.ballotBox, pollId);
    const claimOf = (b: CachedBallot, area: bigint): MembershipClaim => ({
      points: b.proof.points.map(BigInt),
      root: area,
      nullifier: BigInt(b.proof.nullifier),
      message: secretMessage(BigInt(b.choices), 1n),
      scope,
      depth: b.proof.depth,
    });
    const roots = new Map(census.areas.map((a) => [a.area, a.root]));
    const claims = ballots.map((b) => claimOf(b, roots.get(b.area)!));
    const checkTimed = async (count: number) => {
      const all = Array.from({ length: count }, (_, i) => claims[i % claims.length]!);
      const start = performance.now();
      const verdicts = await checkOnAllCores(all);
      if (!verdicts.every(Boolean)) throw new Error("a valid proof was refused");
      return seconds(start);
    };
    log(`proof checks of ${AUDIT_BALLOTS.toLocaleString("en")} proofs on every core…`);
    const proofsHere = await checkTimed(BALLOTS);
    const proofsCpuAt = cpuAt();
    const proofsAtScale = await checkTimed(AUDIT_BALLOTS);
    const proofsCpu = cpuSince(proofsCpuAt);
    const projected =
      audit + (proofsAtScale - proofsHere) + (readsAtScale - readsHere) + (AUDIT_BALLOTS - BALLOTS) * perLog;

    const scale = `census of ${RESIDENTS.toLocaleString("en")} in ${BUILDINGS.toLocaleString("en")} buildings`;
    const figures: BenchFigure[] = [
      {
        name: `veche audit, secret poll, ${scale}, ${BALLOTS} ballots (measured)`,
        value: audit,
        unit: "s",
        reference: "goal for 100,000 ballots",
        referenceValue: AUDIT_GOAL_S,
      },
      {
        name: "census: registry events read from the node (timed apart)",
        value: registryRead,
        unit: "s",
        reference: "census trees rebuilt from them (timed apart)",
        referenceValue: censusBuild,
      },
      {
        name: `proof checks on ${os.availableParallelism()} cores: ${AUDIT_BALLOTS.toLocaleString("en")} proofs`,
        value: proofsAtScale,
        unit: "s",
        reference: `${BALLOTS} proofs, as in the audit above`,
        referenceValue: proofsHere,
      },
      {
        name: `ballot transactions read and decoded: ${AUDIT_BALLOTS.toLocaleString("en")}`,
        value: readsAtScale,
        unit: "s",
        reference: `${BALLOTS}, as in the audit above`,
        referenceValue: readsHere,
      },
      {
        name: `events read: ${events.length.toLocaleString("en")} registry events (with the census above)`,
        value: registryRead,
        unit: "s",
        reference: `${(AUDIT_BALLOTS - BALLOTS).toLocaleString("en")} more ballot events at that rate`,
        referenceValue: (AUDIT_BALLOTS - BALLOTS) * perLog,
      },
      {
        name: "CPU seconds during the audit above: the node (anvil)",
        value: auditCpu.node,
        unit: "s",
        reference: "this process: the audit's threads and the chain's front",
        referenceValue: auditCpu.self,
      },
      {
        name: `CPU seconds during the ${AUDIT_BALLOTS.toLocaleString("en")} proof checks: the node (anvil)`,
        value: proofsCpu.node,
        unit: "s",
        reference: "this process",
        referenceValue: proofsCpu.self,
      },
      {
        name: `veche audit of ${AUDIT_BALLOTS.toLocaleString("en")} secret ballots, ${scale} (projected from the above)`,
        value: projected,
        unit: "s",
        reference: "goal",
        referenceValue: AUDIT_GOAL_S,
      },
    ];
    console.log(markdownTable(figures));
    log(`Figures written to ${writeFigures("secret-audit.json", figures)}`);
  } finally {
    rpc.close();
    await chain.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runUntilDone(main);
