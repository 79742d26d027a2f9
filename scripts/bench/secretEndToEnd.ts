/**
 * Secret ballots end to end, side by side with open ballots in the same run: residents enrolled with
 * identities in a few buildings, a secret poll over their census, membership proofs made beforehand
 * (cached on disk: a fresh embedded chain deploys to the same address, so the same proofs serve every
 * run), then posted over HTTP with no session to the API in its own process, which checks each proof
 * before its 202 and relays it; a ballot is done when its SecretBallotCast is on-chain. The same count
 * of open ballots follows through the same API. The API's /metrics say where its intake time went.
 *
 *   npm run bench:secret        (BENCH_SECRET_BALLOTS, BENCH_SECRET_AREAS, BENCH_CONCURRENCY to resize)
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider, Wallet, id as hashText } from "ethers";
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import {
  ballotBoxInterface,
  buildCensus,
  censusMembers,
  decodeEvent,
  encodePollContent,
  EVENT_TOPICS,
  hex,
  proofDepthFor,
  readRegistryEvents,
  secretBallotLeaf,
  secretMessage,
  secretScope,
} from "../../contracts/protocol";
import type { Census, Deployment, RawLog } from "../../contracts/protocol";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import { ballotLeafHex } from "../../contracts/protocol/node/ballotCodec";
import type { EmbeddedChain } from "../../node/embedded/chain";
import { ensureDeployed } from "../../node/embedded/deploy";
import { auditPoll } from "../audit/audit";
import { processCpuSeconds, treeCpuSeconds } from "./cpu";
import { BENCH_DIR, markdownTable, writeFigures } from "./results";
import type { BenchFigure } from "./results";
import {
  agent,
  anvilPid,
  ballotDigester,
  ballotJson,
  createPolls,
  enrolVoters,
  log,
  rawTx,
  request,
  runUntilDone,
  sendRaw,
  sign,
  spawnBenchApi,
  startChainWithKeptKeys,
  waitForNonce,
} from "./load";
import type { ApiProcess } from "../lib/apiProcess";

const BALLOTS = Number(process.env.BENCH_SECRET_BALLOTS ?? 600);
const AREAS = Number(process.env.BENCH_SECRET_AREAS ?? 6);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const DEADLINE_MS = 10 * 60 * 1000;

interface Posted {
  /** The ballot's leaf: what the chain's event is matched by. */
  leaf: string;
  path: string;
  body: string;
}

interface Run {
  kind: string;
  /** Mean gas of a sample of the run's ballot transactions. */
  gas: number;
  ballots: number;
  mined: number;
  refused: number;
  intake: number;
  rate: number;
  seconds: number;
  cpu: { api: number; node: number };
}

/** Residents with identities, one building each of AREAS, enrolled by the registrar in raw transactions. */
async function enrolResidents(chain: EmbeddedChain, deployment: Deployment, provider: JsonRpcProvider) {
  const registrar = new Wallet(chain.keys.registrar.privateKey, provider);
  let nonce = await provider.getTransactionCount(registrar.address, "pending");
  const identities: Identity[] = [];
  const raws: string[] = [];
  for (let i = 0; i < BALLOTS; i++) {
    const residentId = hashText(`bench-secret-resident-${i}`);
    const identity = new Identity(`bench-secret-identity-${i}`);
    identities.push(identity);
    const key = new Wallet(hashText(`bench-secret-key-${i}`)).address;
    const enrol = ballotBoxInterface.encodeFunctionData("enrol", [residentId, key, 1 + (i % 5)]);
    const commit = ballotBoxInterface.encodeFunctionData("commitIdentity", [
      residentId,
      identity.commitment,
      1000 + (i % AREAS),
    ]);
    raws.push(
      rawTx(deployment, registrar, nonce++, enrol, 250_000n),
      rawTx(deployment, registrar, nonce++, commit, 250_000n),
    );
  }
  await sendRaw(provider, raws);
  await waitForNonce(provider, registrar.address, nonce, DEADLINE_MS);
  return identities;
}

async function createSecretPoll(chain: EmbeddedChain, deployment: Deployment, provider: JsonRpcProvider) {
  const rpc = new NodeRpcClient(chain.rpcUrl);
  const head = await provider.getBlockNumber();
  const events = await readRegistryEvents(rpc, deployment.ballotBox, deployment.deployedBlock, head);
  rpc.close();
  const census = buildCensus(censusMembers(events, head, [], "building"));
  const text = (s: string) => ({ en: s, ru: s });
  const { uri, contentHash } = encodePollContent({
    title: text("Bench secret poll"),
    description: text("Secret ballots end to end."),
    questions: [{ text: text("Renovate?"), options: [text("Yes"), text("No")] }],
    areas: "building",
  });
  const now = (await provider.getBlock("latest"))!.timestamp;
  const staff = new Wallet(chain.keys.staff.privateKey, provider);
  const data = ballotBoxInterface.encodeFunctionData("createSecretPoll", [
    {
      contentHash,
      uri,
      start: now,
      end: now + 86_400,
      questions: [{ options: 2, maxChoices: 1 }],
      districts: [],
      revote: false,
      points: 0,
    },
    { root: census.root, areas: census.areas.length, eligible: census.eligible, snapshotBlock: head },
  ]);
  const receipt = await (await staff.sendTransaction({ to: deployment.ballotBox, data })).wait();
  const created = receipt!.logs.map((l) => ballotBoxInterface.parseLog(l)).find((p) => p?.name === "PollCreated");
  return { pollId: Number(created!.args[0]), census };
}

/** Proofs for every resident, from the disk cache when this chain, contract, poll and census made them before. */
async function secretBallots(deployment: Deployment, pollId: number, census: Census, identities: Identity[]) {
  const key = crypto
    .createHash("sha256")
    .update(`${deployment.chainId}:${deployment.ballotBox}:${pollId}:${census.root}:${BALLOTS}`)
    .digest("hex")
    .slice(0, 16);
  const cache = path.join(BENCH_DIR, `secret-proofs-${key}.json`);
  if (fs.existsSync(cache)) {
    log(`proofs from ${cache}`);
    return JSON.parse(fs.readFileSync(cache, "utf8")) as Posted[];
  }
  const scope = secretScope(deployment.chainId, deployment.ballotBox, pollId);
  const groups = new Map(census.areas.map((a) => [a.area, { area: a, group: new Group(a.commitments) }]));
  const posted: Posted[] = [];
  const began = Date.now();
  for (const [i, identity] of identities.entries()) {
    const { area, group } = [...groups.values()].find((g) => g.area.commitments.includes(identity.commitment))!;
    const choices = i % 3 === 0 ? 0b10n : 0b01n;
    const proof = await proveMembership(identity, group, secretMessage(choices, 1n), scope, proofDepthFor(group.size));
    const body = {
      pollId,
      choices: choices.toString(),
      revision: 1,
      area: area.area,
      proof: {
        depth: proof.merkleTreeDepth,
        root: proof.merkleTreeRoot.toString(),
        nullifier: proof.nullifier.toString(),
        points: proof.points.map(String),
      },
    };
    const leaf = secretBallotLeaf({
      pollId: BigInt(pollId),
      nullifier: BigInt(proof.nullifier),
      choices,
      revision: 1n,
      area: area.area,
    });
    posted.push({ leaf, path: "/api/secret-ballots", body: JSON.stringify(body) });
    if ((i + 1) % 50 === 0) log(`  ${i + 1} proofs, ${((Date.now() - began) / (i + 1)).toFixed(0)} ms each`);
  }
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(cache, JSON.stringify(posted));
  return posted;
}

/** Posts every ballot over HTTP and waits until each leaf's event is on-chain. */
async function measure(
  kind: string,
  dataDir: string,
  chain: EmbeddedChain,
  deployment: Deployment,
  api: ApiProcess,
  ballots: Posted[],
): Promise<Run> {
  const rpc = new NodeRpcClient(chain.rpcUrl, 60_000);
  const node = anvilPid(dataDir);
  // The API's CPU includes its proof checker's, a child process.
  const before = { api: treeCpuSeconds(api.child.pid!), node: processCpuSeconds(node) };
  const expected = new Set<string>();
  let refused = 0;
  let next = 0;
  const began = Date.now();
  let scanned = Number(await rpc.call<string>("eth_blockNumber", []));
  const worker = async () => {
    while (next < ballots.length) {
      const b = ballots[next++]!;
      const res = await request(`${api.url}${b.path}`, "POST", b.body);
      if (res.status === 202) expected.add(b.leaf);
      else if (refused++ < 3) log(`  refused: ${res.status} ${res.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const intakeSeconds = (Date.now() - began) / 1000;
  const seen = new Set<string>();
  const sampleTxs: string[] = [];
  let lastAt = Date.now();
  while ([...expected].some((l) => !seen.has(l)) && Date.now() - began < DEADLINE_MS) {
    const head = Number(await rpc.call<string>("eth_blockNumber", []));
    if (head > scanned) {
      const logs = await rpc.call<RawLog[]>("eth_getLogs", [
        {
          address: deployment.ballotBox,
          topics: [[EVENT_TOPICS.BallotCast, EVENT_TOPICS.SecretBallotCast]],
          fromBlock: hex(scanned + 1),
          toBlock: hex(head),
        },
      ]);
      for (const l of logs) {
        if (sampleTxs.length < 50) sampleTxs.push(l.transactionHash);
        const e = decodeEvent(l);
        if (e?.name === "SecretBallotCast") seen.add(secretBallotLeaf(e));
        else if (e?.name === "BallotCast") seen.add(ballotLeafHex(e));
      }
      if (logs.length > 0) lastAt = Date.now();
      scanned = head;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const receipts = await rpc.batchAll<{ gasUsed: string }>(
    sampleTxs.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })),
  );
  const gas = receipts.reduce((sum, r) => sum + Number(r.gasUsed), 0) / Math.max(1, receipts.length);
  rpc.close();
  const seconds = (lastAt - began) / 1000;
  const mined = [...expected].filter((l) => seen.has(l)).length;
  return {
    kind,
    gas,
    ballots: ballots.length,
    mined,
    refused,
    intake: expected.size / intakeSeconds,
    rate: mined / seconds,
    seconds,
    cpu: { api: treeCpuSeconds(api.child.pid!) - before.api, node: processCpuSeconds(node) - before.node },
  };
}

/** Posts one ballot, then waits until the API's proof checker has started (when the API runs one). */
async function warmProofChecker(api: ApiProcess, first: Posted): Promise<void> {
  await request(`${api.url}${first.path}`, "POST", first.body);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const text = (await request(`${api.url}/metrics`, "GET")).text;
    if (/^veche_proof_checker_ready 1$/m.test(text) || process.env.PROOF_CHECK === "node") return;
    await new Promise((r) => setTimeout(r, 200));
  }
  log("  the API's proof checker did not start: its checks go to the node");
}

/** The API's intake time per phase and its proof-check batching, from /metrics. */
async function intakeProfile(api: ApiProcess) {
  const text = (await request(`${api.url}/metrics`, "GET")).text;
  // A counter that never moved is not printed: read it as 0.
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? "0");
  return {
    checks: value(/veche_secret_intake_seconds_total\{phase="checks"\} ([\d.e+-]+)/),
    proof: value(/veche_secret_intake_seconds_total\{phase="proof"\} ([\d.e+-]+)/),
    store: value(/veche_secret_intake_seconds_total\{phase="store"\} ([\d.e+-]+)/),
    apiChecks: value(/veche_proof_checks_total\{by="api"\} ([\d.e+-]+)/),
    apiBatches: value(/veche_proof_batches_total\{by="api"\} ([\d.e+-]+)/),
    nodeChecks: value(/veche_proof_checks_total\{by="node"\} ([\d.e+-]+)/),
    nodeBatches: value(/veche_proof_batches_total\{by="node"\} ([\d.e+-]+)/),
  };
}

/** `veche audit` of the secret poll as an observer runs it, from the node: every proof checked again. */
async function auditSecretPoll(chain: EmbeddedChain, deployment: Deployment, pollId: number) {
  log("veche audit of the secret poll…");
  const began = performance.now();
  const report = await auditPoll({
    rpcUrl: chain.rpcUrl,
    ballotBox: deployment.ballotBox,
    pollId,
    fromBlock: deployment.deployedBlock,
  });
  const seconds = (performance.now() - began) / 1000;
  if (!report.ok) throw new Error(`the audit of the secret poll found ${JSON.stringify(report.findingCounts)}`);
  log(`  ${report.ballots} ballots in ${seconds.toFixed(2)} s`);
  return { ballots: report.ballots, seconds };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-bench-secret-"));
  const chain = await startChainWithKeptKeys(dataDir);
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 500 });
  let api: ApiProcess | null = null;
  try {
    const deployment = await ensureDeployed({
      rpcUrl: chain.rpcUrl,
      deploymentsDir: path.join(dataDir, "deployments"),
      keys: chain.keys,
    });
    log(`enrolling ${BALLOTS} residents with identities in ${AREAS} buildings…`);
    const identities = await enrolResidents(chain, deployment, provider);
    const { pollId, census } = await createSecretPoll(chain, deployment, provider);
    log(`secret poll ${pollId}: census of ${census.eligible} in ${census.areas.length} areas; proofs…`);
    const secret = await secretBallots(deployment, pollId, census, identities);
    log(`enrolling ${BALLOTS} open voters…`);
    const voters = await enrolVoters(chain, deployment, provider, BALLOTS, DEADLINE_MS);
    const [openPoll] = await createPolls(chain, deployment, provider, 1);
    const digester = ballotDigester(deployment);
    const open: Posted[] = voters.map((v) => {
      const b = sign(digester, v, openPoll!, 1n);
      return { leaf: b.leaf, path: "/api/ballots", body: ballotJson(b) };
    });

    api = await spawnBenchApi(dataDir, chain);
    // The census is served once the API's index has the poll (CENSUS_NOT_READY until then).
    for (let i = 0; i < 100; i++) {
      if ((await request(`${api.url}/api/polls/${pollId}/census`, "GET")).status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    log(`secret ballots: ${secret.length} over HTTP, ${CONCURRENCY} in flight…`);
    // The API starts its proof checker with the first secret ballot: not a cost of the measured run.
    await warmProofChecker(api, secret[0]!);
    const secretRun = await measure("secret", dataDir, chain, deployment, api, secret.slice(1));
    const profile = await intakeProfile(api);
    for (const line of api.output().split("\n")) if (/proof checker/.test(line)) log(`  API: ${line.slice(0, 300)}`);
    log(`open ballots: ${open.length} over HTTP…`);
    const openRun = await measure("open", dataDir, chain, deployment, api, open);
    for (const r of [secretRun, openRun]) {
      log(
        `${r.kind}: ${r.mined}/${r.ballots} mined (${r.refused} refused) in ${r.seconds.toFixed(1)} s; intake ${r.intake.toFixed(0)}/s; ` +
          `CPU s: API ${r.cpu.api.toFixed(1)}, node ${r.cpu.node.toFixed(1)}`,
      );
    }
    const audit = await auditSecretPoll(chain, deployment, pollId);
    const perBallot = (s: number) => (s / Math.max(1, secretRun.mined)) * 1000;
    const figures: BenchFigure[] = [
      {
        name: "secret ballots per second (HTTP → proof checked → mined)",
        value: secretRun.rate,
        unit: "ballots/s",
        reference: "goal",
        referenceValue: 300,
      },
      {
        name: "secret ballots per second",
        value: secretRun.rate,
        unit: "ballots/s",
        reference: "open ballots, same API and run",
        referenceValue: openRun.rate,
      },
      {
        name: "secret HTTP intake (202 answers, proof checked first)",
        value: secretRun.intake,
        unit: "ballots/s",
        reference: "open ballots' intake",
        referenceValue: openRun.intake,
      },
      {
        name: "API CPU per secret ballot",
        value: (secretRun.cpu.api / Math.max(1, secretRun.mined)) * 1000,
        unit: "ms",
        reference: "per open ballot",
        referenceValue: (openRun.cpu.api / Math.max(1, openRun.mined)) * 1000,
      },
      {
        name: "node CPU per secret ballot (proof checks and castSecretBallot)",
        value: (secretRun.cpu.node / Math.max(1, secretRun.mined)) * 1000,
        unit: "ms",
        reference: "per open ballot",
        referenceValue: (openRun.cpu.node / Math.max(1, openRun.mined)) * 1000,
      },
      {
        name: "intake wall time per secret ballot: checks",
        value: perBallot(profile.checks),
        unit: "ms",
        reference: "proof check",
        referenceValue: perBallot(profile.proof),
      },
      {
        name: "intake wall time per secret ballot: durable store",
        value: perBallot(profile.store),
        unit: "ms",
        reference: "proof checks per batch",
        referenceValue:
          (profile.apiChecks + profile.nodeChecks) / Math.max(1, profile.apiBatches + profile.nodeBatches),
      },
      {
        name: "proof checks by the API's own checker",
        value: profile.apiChecks,
        unit: "proofs",
        reference: "by the node (eth_call)",
        referenceValue: profile.nodeChecks,
      },
    ];
    figures.push(
      {
        name: `veche audit of the secret poll (${audit.ballots} ballots, every proof checked on ${os.availableParallelism()} cores)`,
        value: +audit.seconds.toFixed(2),
        unit: "s",
        reference: "the secret run's load, same ballots",
        referenceValue: +secretRun.seconds.toFixed(2),
      },
      {
        name: "gas per secret ballot (mean of sampled castSecretBallot transactions)",
        value: secretRun.gas,
        unit: "gas",
        reference: "goal (at most)",
        referenceValue: 300_000,
      },
      {
        name: "gas per secret ballot",
        value: secretRun.gas,
        unit: "gas",
        reference: "per open ballot, same run",
        referenceValue: openRun.gas,
      },
    );
    const file = writeFigures("e2e-secret.json", figures);
    process.stdout.write(`${markdownTable(figures)}\n\nFigures written to ${file}\n`);
  } finally {
    agent.destroy();
    await api?.stop();
    provider.destroy();
    await chain.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runUntilDone(main);
