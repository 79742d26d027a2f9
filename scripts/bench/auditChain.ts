/**
 * A large poll on a throw-away anvil node (in memory, no state file: a 100,000-ballot state dump every
 * second would measure the disk, not the audit). Residents are enrolled and ballots cast with
 * transactions signed natively and sent in JSON-RPC batches by several relayers, in-flight bounded.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Interface } from "ethers";
import { ballotBoxInterface, ballotDomain, encodePollContent, hex } from "../../contracts/protocol";
import type { Deployment, Question } from "../../contracts/protocol";
import { anvilBinaryPath } from "../../node/embedded/anvilBinary";
import { ensureDeployed } from "../../node/embedded/deploy";
import { DEV_ACCOUNT_COUNT, loadDevKeys } from "../../node/embedded/devKeys";
import type { DevKey } from "../../node/embedded/devKeys";
import { pickFreePort } from "../../node/embedded/ports";
import { waitForExit, waitForRpc } from "../../node/embedded/process";
import { BallotDigester, encodeCastBallot, signatureOf, signLegacyTx } from "../../contracts/protocol/node/ballotCodec";
import { addressOf } from "../../contracts/protocol/node/native";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";

export interface BenchChain {
  rpcUrl: string;
  deployment: Deployment;
  pollId: bigint;
  ballots: number;
  stop(): Promise<void>;
}

const QUESTIONS: Question[] = [
  { options: 3, maxChoices: 1 },
  { options: 2, maxChoices: 2 },
];
const GAS_PRICE = 100n * 10n ** 9n;
const IN_FLIGHT = 12_000;
const BATCH = 500;

export async function startBenchChain(
  log: (m: string) => void,
): Promise<{ rpcUrl: string; dataDir: string; stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-bench-audit-"));
  const keys = loadDevKeys(dataDir);
  const port = await pickFreePort("127.0.0.1");
  const logFile = path.join(dataDir, "anvil.log");
  const out = fs.openSync(logFile, "a");
  const args = [
    ...["--host", "127.0.0.1", "--port", String(port), "--chain-id", "31337", "--block-time", "1"],
    ...["--gas-limit", "1000000000", "--mnemonic", keys.mnemonic, "--accounts", String(DEV_ACCOUNT_COUNT)],
  ];
  const child = spawn(anvilBinaryPath(), args, { stdio: ["ignore", out, out] });
  const exited = waitForExit(child);
  const rpcUrl = `http://127.0.0.1:${port}`;
  await waitForRpc(rpcUrl, exited, 30_000, logFile);
  log(`anvil on ${rpcUrl} (in memory)`);
  return {
    rpcUrl,
    dataDir,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      fs.closeSync(out);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForNonce(rpc: NodeRpcClient, address: string, nonce: number): Promise<void> {
  for (;;) {
    const mined = Number(await rpc.call<string>("eth_getTransactionCount", [address, "latest"]));
    if (mined >= nonce) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function pending(rpc: NodeRpcClient): Promise<number> {
  const status = await rpc.call<{ pending: string; queued: string }>("txpool_status", []);
  return Number(status.pending) + Number(status.queued);
}

async function sendAll(rpc: NodeRpcClient, raw: readonly string[]): Promise<void> {
  for (let i = 0; i < raw.length; i += BATCH) {
    while ((await pending(rpc)) > IN_FLIGHT) await new Promise((r) => setTimeout(r, 200));
    await rpc.batch(raw.slice(i, i + BATCH).map((tx) => ({ method: "eth_sendRawTransaction", params: [tx] })));
  }
}

/** Fills a fresh chain with one poll of `residents × revisions` ballots. */
export async function fillPoll(
  rpcUrl: string,
  dataDir: string,
  residents: number,
  revisions: number,
  log: (m: string) => void,
): Promise<Omit<BenchChain, "stop">> {
  const keys = loadDevKeys(dataDir);
  const deployment = await ensureDeployed({ rpcUrl, deploymentsDir: path.join(dataDir, "deployments"), keys });
  const rpc = new NodeRpcClient(rpcUrl, 120_000);
  const chainId = BigInt(deployment.chainId);
  const key = (k: DevKey) => Buffer.from(k.privateKey.slice(2), "hex");
  const nonceOf = async (k: DevKey) =>
    Number(await rpc.call<string>("eth_getTransactionCount", [k.address, "pending"]));
  const tx = (from: DevKey, nonce: number, gasLimit: number, data: string | Buffer) =>
    signLegacyTx(
      {
        nonce,
        gasPrice: GAS_PRICE,
        gasLimit: BigInt(gasLimit),
        to: deployment.ballotBox,
        data: typeof data === "string" ? Buffer.from(data.slice(2), "hex") : data,
        chainId,
      },
      key(from),
    ).raw;

  // The poll: open now for a day, city-wide, re-voting allowed.
  const head = await rpc.call<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
  const now = Number(head.timestamp);
  const text = (s: string) => ({ en: s, ru: s });
  const content = encodePollContent({
    title: text("Benchmark poll"),
    description: text("Generated for the audit benchmark."),
    questions: QUESTIONS.map((q, i) => ({
      text: text(`Q${i + 1}`),
      options: Array.from({ length: q.options }, (_, o) => text(`O${o + 1}`)),
    })),
  });
  const createData = ballotBoxInterface.encodeFunctionData("createPoll", [
    {
      contentHash: content.contentHash,
      uri: content.uri,
      start: now,
      end: now + 86_400,
      questions: QUESTIONS,
      districts: [],
      revote: true,
      points: 1,
    },
  ]);
  const staffNonce = await nonceOf(keys.staff);
  await rpc.call("eth_sendRawTransaction", [tx(keys.staff, staffNonce, 2_000_000, createData)]);
  await waitForNonce(rpc, keys.staff.address, staffNonce + 1);
  const pollCountData = await rpc.call<string>("eth_call", [
    { to: deployment.ballotBox, data: ballotBoxInterface.encodeFunctionData("pollCount", []) },
    "latest",
  ]);
  const pollId = ballotBoxInterface.decodeFunctionResult("pollCount", pollCountData)[0] as bigint;

  // Residents.
  let t = Date.now();
  const voterKeys = Array.from({ length: residents }, () => crypto.randomBytes(32));
  const enrol = new Interface(["function enrol(bytes32 residentId, address key, uint32 district)"]);
  const regNonce = await nonceOf(keys.registrar);
  const enrolTxs = voterKeys.map((k, i) =>
    tx(
      keys.registrar,
      regNonce + i,
      200_000,
      enrol.encodeFunctionData("enrol", [`0x${crypto.randomBytes(32).toString("hex")}`, addressOf(k), 1 + (i % 10)]),
    ),
  );
  await sendAll(rpc, enrolTxs);
  await waitForNonce(rpc, keys.registrar.address, regNonce + residents);
  log(`enrolled ${residents} residents in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  // Ballots: resident i always goes through relayer i mod R, so each re-vote follows the last by nonce.
  t = Date.now();
  const digester = new BallotDigester(ballotDomain(chainId, deployment.ballotBox));
  const relayers = keys.relayers;
  const nonces = await Promise.all(relayers.map(nonceOf));
  const raw: string[] = [];
  for (let revision = 1n; revision <= BigInt(revisions); revision++) {
    for (let i = 0; i < residents; i++) {
      const choices = BigInt((1 << ((i + Number(revision)) % 3)) | ((1 + ((i * 7 + Number(revision)) % 3)) << 3));
      const signature = signatureOf(digester.digest(pollId, choices, revision), voterKeys[i]!);
      const r = i % relayers.length;
      raw.push(tx(relayers[r]!, nonces[r]!++, 150_000, encodeCastBallot(pollId, choices, revision, signature)));
    }
  }
  log(`signed ${raw.length} ballots in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  await sendAll(rpc, raw);
  await Promise.all(relayers.map((r, i) => waitForNonce(rpc, r.address, nonces[i]!)));
  log(`mined ${raw.length} ballots in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const blockHex = await rpc.call<string>("eth_blockNumber", []);
  log(`chain at block ${Number(blockHex)} (${hex(Number(blockHex))})`);
  return { rpcUrl, deployment, pollId, ballots: raw.length };
}
