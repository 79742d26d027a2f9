/**
 * How fast membership proofs are checked — the bulk of a secret poll's audit — four ways in one run:
 * one by one with snarkjs (what @semaphore-protocol/proof does), in batches on one thread (what the
 * API's checker does) and on every core (what `veche audit` does), and by the deployed
 * SemaphoreVerifier through eth_call on the embedded node (what the API falls back to). Proofs at
 * depth 20 (a census of a million) are made once and cached on disk; the checks cycle through them. The
 * every-core check is timed on 100,000 proofs, the proof checks of an audit of 100,000 secret ballots.
 *
 *   npm run bench:proofs        (BENCH_PROOFS checks, default 4,096; BENCH_DISTINCT_PROOFS, default 32)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import { verifyProof } from "@semaphore-protocol/proof";
import type { SemaphoreProof } from "@semaphore-protocol/proof";
import { ballotBoxInterface } from "../../contracts/protocol";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";
import { verifyProofCalldata } from "../../contracts/protocol/node/membershipCheck";
import type { MembershipClaim } from "../../contracts/protocol/node/membershipCheck";
import { MembershipBatchVerifier } from "../../contracts/protocol/node/membershipBatch";
import { checkOnAllCores } from "../audit/proofWorkers";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import { startEmbeddedChain } from "../../node/embedded/chain";
import { ensureDeployed } from "../../node/embedded/deploy";
import { BENCH_DIR, markdownTable, writeFigures } from "./results";
import { log, runUntilDone } from "./load";

const CHECKS = Number(process.env.BENCH_PROOFS ?? 4096);
const DISTINCT = Number(process.env.BENCH_DISTINCT_PROOFS ?? 32);
const DEPTH = 20;
const AUDIT_BALLOTS = 100_000;
const AUDIT_GOAL_S = 60;

async function proofs(): Promise<SemaphoreProof[]> {
  const cache = path.join(BENCH_DIR, `proof-check-${DEPTH}-${DISTINCT}.json`);
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, "utf8")) as SemaphoreProof[];
  log(`making ${DISTINCT} proofs at depth ${DEPTH} (cached for later runs)…`);
  const identities = Array.from({ length: DISTINCT }, (_, i) => new Identity(`bench-proof-${i}`));
  const group = new Group(identities.map((i) => i.commitment));
  const made: SemaphoreProof[] = [];
  for (const [i, identity] of identities.entries())
    made.push(await proveMembership(identity, group, BigInt(i), 7n, DEPTH));
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(cache, JSON.stringify(made));
  return made;
}

const claimOf = (p: SemaphoreProof): MembershipClaim => ({
  points: p.points.map(BigInt),
  root: BigInt(p.merkleTreeRoot),
  nullifier: BigInt(p.nullifier),
  message: BigInt(p.message),
  scope: BigInt(p.scope),
  depth: p.merkleTreeDepth,
});

async function timed(what: string, count: number, run: () => Promise<boolean[]>): Promise<number> {
  const began = process.hrtime.bigint();
  const results = await run();
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (results.length !== count || !results.every(Boolean)) throw new Error(`${what}: a valid proof was refused`);
  const perProof = ms / count;
  log(`  ${what}: ${count} proofs in ${(ms / 1000).toFixed(2)} s, ${perProof.toFixed(3)} ms each`);
  return perProof;
}

async function main(): Promise<void> {
  const made = await proofs();
  const claims = Array.from({ length: CHECKS }, (_, i) => claimOf(made[i % made.length]!));

  log("snarkjs, one proof at a time…");
  const few = Math.min(200, CHECKS);
  const snarkjs = await timed("snarkjs verifyProof", few, async () => {
    const out: boolean[] = [];
    for (let i = 0; i < few; i++) out.push(await verifyProof(made[i % made.length]!));
    return out;
  });

  log("batches of 256 here, as `veche audit` checks them…");
  const verifier = await MembershipBatchVerifier.create();
  const batch = await timed("batch check", CHECKS, async () => {
    const out: boolean[] = [];
    for (let i = 0; i < claims.length; i += 256) out.push(...(await verifier.verify(claims.slice(i, i + 256))));
    return out;
  });

  // All of an audit's proofs at once, as `veche audit` hands a poll's proofs over: the threads' start
  // is part of the time.
  const cores = os.availableParallelism();
  log(`${AUDIT_BALLOTS.toLocaleString("en")} proofs in batches on ${cores} threads, as \`veche audit\` checks a poll…`);
  const auditClaims = Array.from({ length: AUDIT_BALLOTS }, (_, i) => claims[i % claims.length]!);
  const allCores = await timed(`batch check, ${cores} threads`, AUDIT_BALLOTS, () => checkOnAllCores(auditClaims));

  log("the deployed verifier through eth_call on the embedded node…");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-proofs-"));
  const chain = await startEmbeddedChain({ dataDir, port: 0 });
  let node: number;
  try {
    const deployment = await ensureDeployed({
      rpcUrl: chain.rpcUrl,
      deploymentsDir: path.join(dataDir, "deployments"),
      keys: chain.keys,
    });
    const rpc = new NodeRpcClient(chain.rpcUrl, 120_000);
    const answer = await rpc.call<string>("eth_call", [
      { to: deployment.ballotBox, data: ballotBoxInterface.encodeFunctionData("membershipVerifier", []) },
      "latest",
    ]);
    const to = ballotBoxInterface.decodeFunctionResult("membershipVerifier", answer)[0] as string;
    node = await timed("node eth_call", CHECKS, async () => {
      const out: boolean[] = [];
      for (let i = 0; i < claims.length; i += 200) {
        const answers = await rpc.batch<string>(
          claims.slice(i, i + 200).map((c) => ({
            method: "eth_call",
            params: [{ to, data: verifyProofCalldata(c) }, "latest"],
          })),
        );
        out.push(...answers.map((a) => typeof a === "string" && /^0x0*1$/.test(a)));
      }
      return out;
    });
    rpc.close();
  } finally {
    await chain.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const auditSeconds = (allCores * AUDIT_BALLOTS) / 1000;
  const figures = [
    {
      name: "proof check, batches of 256 here",
      value: +batch.toFixed(3),
      unit: "ms/proof",
      reference: "snarkjs one by one, same run",
      referenceValue: +snarkjs.toFixed(3),
    },
    {
      name: "proof check, batches of 256 here",
      value: +batch.toFixed(3),
      unit: "ms/proof",
      reference: "node's verifier by eth_call, same run",
      referenceValue: +node.toFixed(3),
    },
    {
      name: `proof check, batches on ${cores} threads (wall time per proof)`,
      value: +allCores.toFixed(3),
      unit: "ms/proof",
      reference: "batches on one thread, same run",
      referenceValue: +batch.toFixed(3),
    },
    {
      name: `proof checks of an audit of ${AUDIT_BALLOTS.toLocaleString("en")} secret ballots, ${cores} threads, measured`,
      value: Math.round(auditSeconds),
      unit: "s",
      reference: "goal for the whole audit",
      referenceValue: AUDIT_GOAL_S,
    },
  ];
  const file = writeFigures("proof-check.json", figures);
  process.stdout.write(`${markdownTable(figures)}\n\nFigures written to ${file}\n`);
}

runUntilDone(main);
