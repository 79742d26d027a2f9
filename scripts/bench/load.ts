/**
 * Building blocks of the load benchmarks: fill an embedded chain fast (voters enrolled and polls
 * created by raw transactions), sign ballots natively, run the API as its own process, and talk to
 * it over keep-alive HTTP without fetch's overhead.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { NonceManager, Transaction, Wallet, hexlify, randomBytes } from "ethers";
import type { JsonRpcProvider } from "ethers";
import { ballotBoxInterface, ballotDomain, connectBallotBox, encodePollContent } from "../../contracts/protocol";
import type { Deployment } from "../../contracts/protocol";
import { startEmbeddedChain } from "../../node/embedded/chain";
import type { EmbeddedChain } from "../../node/embedded/chain";
import { devKeysPath } from "../../node/embedded/devKeys";
import { BallotDigester, ballotLeafHex, signatureOf, signDigest } from "../../contracts/protocol/node/ballotCodec";
import { spawnApi } from "../lib/apiProcess";
import type { ApiProcess } from "../lib/apiProcess";
import { pickFreePort } from "../../node/embedded/ports";
import { BENCH_DIR } from "./results";

export interface SignedBallot {
  pollId: bigint;
  choices: bigint;
  revision: bigint;
  signature: string;
  leaf: string;
}

export const log = (message: string): void => void process.stderr.write(`${message}\n`);

export function ballotDigester(deployment: Deployment): BallotDigester {
  return new BallotDigester(ballotDomain(deployment.chainId, deployment.ballotBox));
}

export function sign(digester: BallotDigester, key: Wallet, pollId: bigint, choices: bigint): SignedBallot {
  const digest = digester.digest(pollId, choices, 1n);
  const signature = `0x${signatureOf(digest, Buffer.from(key.privateKey.slice(2), "hex")).toString("hex")}`;
  return {
    pollId,
    choices,
    revision: 1n,
    signature,
    leaf: ballotLeafHex({ pollId, voter: key.address, choices, revision: 1n }),
  };
}

/** The JSON body of POST /api/ballots. */
export function ballotJson(b: SignedBallot): string {
  return JSON.stringify({
    pollId: b.pollId.toString(),
    choices: b.choices.toString(),
    revision: b.revision.toString(),
    signature: b.signature,
  });
}

/** City-wide yes/no polls open for a day; returns their ids. */
export async function createPolls(
  chain: EmbeddedChain,
  deployment: Deployment,
  provider: JsonRpcProvider,
  count: number,
): Promise<bigint[]> {
  const staff = connectBallotBox(
    deployment.ballotBox,
    new NonceManager(new Wallet(chain.keys.staff.privateKey, provider)),
  );
  const now = (await provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  const text = (s: string) => ({ en: s, ru: s });
  const { uri, contentHash } = encodePollContent({
    title: text("Benchmark poll"),
    description: text("Yes or no."),
    questions: [{ text: text("Yes?"), options: [text("Yes"), text("No")] }],
  });
  const txs = await Promise.all(
    Array.from({ length: count }, () =>
      staff.createPoll({
        contentHash,
        uri,
        start: now,
        end: now + 24 * 3600,
        questions: [{ options: 2, maxChoices: 1 }],
        districts: [],
        revote: false,
        points: 1,
      }),
    ),
  );
  const ids: bigint[] = [];
  for (const tx of txs) {
    const receipt = await tx.wait();
    for (const l of receipt?.logs ?? []) {
      const parsed = staff.interface.parseLog(l);
      if (parsed?.name === "PollCreated") ids.push(parsed.args[0] as bigint);
    }
  }
  return ids;
}

/** A signed legacy transaction from `key` to the ballot box (native signing: ethers is too slow here). */
export function rawTx(deployment: Deployment, key: Wallet, nonce: number, data: string, gasLimit: bigint): string {
  const tx = Transaction.from({
    type: 0,
    to: deployment.ballotBox,
    data,
    nonce,
    gasLimit,
    gasPrice: 10_000_000_000n,
    chainId: BigInt(deployment.chainId),
  });
  tx.signature = signDigest(Buffer.from(tx.unsignedHash.slice(2), "hex"), Buffer.from(key.privateKey.slice(2), "hex"));
  return tx.serialized;
}

export async function enrolVoters(
  chain: EmbeddedChain,
  deployment: Deployment,
  provider: JsonRpcProvider,
  count: number,
  deadlineMs: number,
): Promise<Wallet[]> {
  const registrar = new Wallet(chain.keys.registrar.privateKey, provider);
  let nonce = await provider.getTransactionCount(registrar.address, "pending");
  const voters = Array.from({ length: count }, () => new Wallet(hexlify(randomBytes(32))));
  const raws = voters.map((v, i) =>
    rawTx(
      deployment,
      registrar,
      nonce++,
      ballotBoxInterface.encodeFunctionData("enrol", [hexlify(randomBytes(32)), v.address, 1 + (i % 5)]),
      200_000n,
    ),
  );
  await sendRaw(provider, raws);
  await waitForNonce(provider, registrar.address, nonce, deadlineMs);
  return voters;
}

export async function sendRaw(provider: JsonRpcProvider, raws: readonly string[]): Promise<void> {
  for (let i = 0; i < raws.length; i += 500) {
    await Promise.all(raws.slice(i, i + 500).map((raw) => provider.send("eth_sendRawTransaction", [raw])));
  }
}

export async function waitForNonce(
  provider: JsonRpcProvider,
  address: string,
  nonce: number,
  deadlineMs: number,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while ((await provider.getTransactionCount(address, "latest")) < nonce) {
    if (Date.now() > deadline) throw new Error("transactions were not mined in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The API as its own process over the embedded chain, with every relayer key. */
export async function spawnBenchApi(
  dataDir: string,
  chain: EmbeddedChain,
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  const port = await pickFreePort("127.0.0.1");
  return spawnApi(
    {
      VECHE_DATA_DIR: dataDir,
      DEPLOYMENTS_DIR: path.join(dataDir, "deployments"),
      CHAIN_RPC_URL: chain.rpcUrl,
      RELAYER_KEYS: chain.keys.relayers.map((r) => r.privateKey).join(","),
      STAFF_API_TOKEN: "bench-staff-token-0123456789abcdef",
      RESIDENT_ID_PEPPER: "bench-pepper-0123456789",
      ...env,
    },
    port,
  );
}

export function anvilPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, "chain", "anvil.pid"), "utf8"));
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

/** A plain keep-alive HTTP request: fetch's own overhead was a large share of the load generator's CPU. */
export function request(url: string, method: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Long-polls a ballot until its receipt is served; the seconds since `t0`, or null if it failed or ran out of time. */
export async function receiptLatency(apiUrl: string, id: string, t0: number, deadline: number): Promise<number | null> {
  for (;;) {
    const res = await request(`${apiUrl}/api/ballots/${id}?wait=30`, "GET");
    const body = JSON.parse(res.text) as { status: string };
    if (body.status === "mined") return (Date.now() - t0) / 1000;
    if (body.status === "failed" || Date.now() > deadline) return null;
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * The secret benches' chain keys, kept beside their figures: a fresh chain with the same keys deploys
 * the ballot box at the same address, so the proofs (bound to chain, contract and poll) cached by an
 * earlier run still verify.
 */
const SECRET_BENCH_KEYS = path.join(BENCH_DIR, "secret-bench-dev-keys.json");

/** A fresh embedded chain in `dataDir` with the secret benches' kept keys (made and kept on first use). */
export async function startChainWithKeptKeys(dataDir: string): Promise<EmbeddedChain> {
  if (fs.existsSync(SECRET_BENCH_KEYS)) fs.copyFileSync(SECRET_BENCH_KEYS, devKeysPath(dataDir));
  const chain = await startEmbeddedChain({ dataDir, port: 0 });
  if (!fs.existsSync(SECRET_BENCH_KEYS)) {
    fs.mkdirSync(BENCH_DIR, { recursive: true });
    fs.copyFileSync(devKeysPath(dataDir), SECRET_BENCH_KEYS);
    fs.chmodSync(SECRET_BENCH_KEYS, 0o600);
  }
  return chain;
}

/**
 * Runs a benchmark's `main` and exits with its outcome. The exit is explicit: once snarkjs has made a
 * proof, its curve's worker threads keep the process alive.
 */
export function runUntilDone(main: () => Promise<void>): void {
  main()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
