/**
 * A secret ballot's membership proof, made in a Web Worker: the area's census from the API (no
 * session), its Semaphore group rebuilt and checked against the census's root, the proving files for
 * the group's depth from the API's own static files (never a CDN), and the Semaphore v4 proof bound to
 * poll, contract, chain, choices and revision.
 */
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { generateProof, verifyProof } from "@semaphore-protocol/proof";
import { censusAreaLeaf } from "../../../contracts/protocol/census";
import { proofDepthFor, secretMessage, secretScope } from "../../../contracts/protocol/secretBallot";
import { verifyBallotProof } from "../../../contracts/protocol/tree";
import type { CensusAreaAnswer, SecretProof } from "../secretTypes";

/** The poll's census as the chain has it (ISecretBallots.census), read by the page from the node. */
export interface ChainCensus {
  root: string;
  areas: number;
}

export interface ProveRequest {
  pollId: number;
  census: ChainCensus;
  chainId: number;
  ballotBox: string;
  area: number;
  choices: string;
  revision: number;
  /** The identity's exported secret: it stays in this browser, in the worker's memory. */
  identity: string;
  /** The circuit depth to prove with; by default the smallest that fits the area's group. */
  depth?: number;
}

export type ProveProgress =
  | { phase: "census" }
  | { phase: "group"; members: number }
  | { phase: "download"; loaded: number; total: number }
  | { phase: "proving"; depth: number };

export interface ProveResult {
  area: number;
  proof: SecretProof;
  /** Milliseconds spent in each step, measured in the worker. */
  timings: { census: number; group: number; download: number; proving: number };
}

export class ProveError extends Error {
  constructor(
    readonly code:
      | "CENSUS_AREA_UNKNOWN"
      | "CENSUS_NOT_READY"
      | "NOT_IN_CENSUS"
      | "CENSUS_MISMATCH"
      | "ARTIFACT_MISSING"
      | "NETWORK_ERROR",
    message: string,
  ) {
    super(message);
  }
}

/** GET without session or cookies: the census and proving files are public. */
async function publicGet(path: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: "omit" });
  } catch (error) {
    throw new ProveError("NETWORK_ERROR", error instanceof Error ? error.message : String(error));
  }
  return res;
}

export async function fetchCensusArea(pollId: number, area: number): Promise<CensusAreaAnswer> {
  const res = await publicGet(`/api/polls/${pollId}/census/areas/${area}`);
  if (res.status === 404) throw new ProveError("CENSUS_AREA_UNKNOWN", `area ${area} is not in poll ${pollId}'s census`);
  if (!res.ok) {
    // A poll created moments ago: the API serves its census once its index has the poll.
    const code = ((await res.json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code;
    if (code === "CENSUS_NOT_READY") throw new ProveError("CENSUS_NOT_READY", "the poll's census is not ready yet");
    throw new ProveError("NETWORK_ERROR", `census answered ${res.status}`);
  }
  return (await res.json()) as CensusAreaAnswer;
}

/** Reads a proving file, reporting bytes as they arrive. */
async function download(path: string, onBytes: (loaded: number, total: number) => void): Promise<Uint8Array> {
  const res = await publicGet(path);
  if (!res.ok || !res.body) throw new ProveError("ARTIFACT_MISSING", `${path} answered ${res.status}`);
  const total = Number(res.headers.get("content-length") ?? 0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onBytes(loaded, Math.max(total, loaded));
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Both proving files of `depth`, with one progress figure over the two. */
export async function provingFiles(
  depth: number,
  onProgress: (p: ProveProgress) => void,
): Promise<{ wasm: Uint8Array; zkey: Uint8Array }> {
  const seen = { wasm: [0, 0], zkey: [0, 0] };
  const report = () =>
    onProgress({ phase: "download", loaded: seen.wasm[0]! + seen.zkey[0]!, total: seen.wasm[1]! + seen.zkey[1]! });
  const [wasm, zkey] = await Promise.all(
    (["wasm", "zkey"] as const).map((kind) =>
      download(`/artifacts/semaphore-${depth}.${kind}`, (loaded, total) => {
        seen[kind] = [loaded, total];
        report();
      }),
    ),
  );
  return { wasm: wasm!, zkey: zkey! };
}

/** What a proof in one area needs, fetched and checked once: the census, its group and the files. */
interface Prepared {
  census: CensusAreaAnswer;
  group: Group;
  depth: number;
  files: { wasm: Uint8Array; zkey: Uint8Array };
  timings: { census: number; group: number; download: number };
}

const prepared = new Map<string, Promise<Prepared>>();

function stopwatch() {
  let mark = performance.now();
  return () => {
    const now = performance.now();
    const spent = Math.round(now - mark);
    mark = now;
    return spent;
  };
}

/**
 * The area's group must be the one the chain's census commits to: its leaf (area, root, members) and
 * path must lead to the census root read from the node. Else an API could serve a made-up group — a
 * group of one names the resident behind the nullifier — and the proof would give it away.
 */
function requireOnChain(answer: CensusAreaAnswer, group: Group, census: ChainCensus): void {
  const leaf = censusAreaLeaf(answer.area, group.root, group.size);
  const path = { leafIndex: answer.index, ballots: census.areas, siblings: answer.siblings };
  if (!verifyBallotProof(leaf, path, census.root)) {
    throw new ProveError("CENSUS_MISMATCH", "the area's group is not the one the poll's census commits to");
  }
}

/**
 * Fetches and checks the area's census and the proving files for its depth, once per worker: the
 * page starts this as the form appears, so casting only proves. A failure is forgotten, to retry.
 */
export function prepareArea(
  pollId: number,
  area: number,
  census: ChainCensus,
  depth: number | undefined,
  onProgress: (p: ProveProgress) => void,
): Promise<Prepared> {
  const key = `${pollId}/${area}/${census.root}/${depth ?? ""}`;
  let found = prepared.get(key);
  if (!found) {
    found = (async () => {
      const lap = stopwatch();
      onProgress({ phase: "census" });
      const answer = await fetchCensusArea(pollId, area);
      const censusMs = lap();
      onProgress({ phase: "group", members: answer.commitments.length });
      const group = new Group(answer.commitments.map((c) => BigInt(c)));
      if (group.root.toString() !== BigInt(answer.root).toString() || group.size !== answer.members) {
        throw new ProveError("CENSUS_MISMATCH", "the area's identities do not give the census's root");
      }
      requireOnChain(answer, group, census);
      const groupMs = lap();
      const chosen = depth ?? proofDepthFor(group.size);
      const files = await provingFiles(chosen, onProgress);
      await warmCurve();
      return {
        census: answer,
        group,
        depth: chosen,
        files,
        timings: { census: censusMs, group: groupMs, download: lap() },
      };
    })();
    found.catch(() => prepared.delete(key));
    prepared.set(key, found);
  }
  return found;
}

let warming: Promise<unknown> | null = null;

/**
 * Builds snarkjs's curve (its WebAssembly and worker threads) ahead of the first proof: checking any
 * proof builds and caches it, and a proof of zeros is simply found invalid.
 */
function warmCurve(): Promise<unknown> {
  warming ??= verifyProof({
    merkleTreeDepth: 1,
    merkleTreeRoot: "0",
    nullifier: "0",
    message: "0",
    scope: "0",
    points: ["0", "0", "0", "0", "0", "0", "0", "0"],
  }).catch(() => false);
  return warming;
}

export async function proveSecretBallot(
  request: ProveRequest,
  onProgress: (p: ProveProgress) => void,
): Promise<ProveResult> {
  const ready = await prepareArea(request.pollId, request.area, request.census, request.depth, onProgress);
  const identity = Identity.import(request.identity);
  if (ready.group.indexOf(identity.commitment) < 0) {
    throw new ProveError("NOT_IN_CENSUS", "this identity is not in the area's census");
  }
  const lap = stopwatch();
  onProgress({ phase: "proving", depth: ready.depth });
  const proof = await generateProof(
    identity,
    ready.group,
    secretMessage(BigInt(request.choices), BigInt(request.revision)),
    secretScope(request.chainId, request.ballotBox, request.pollId),
    ready.depth,
    // snarkjs reads Uint8Arrays as in-memory files; the types only name paths.
    ready.files as unknown as { wasm: string; zkey: string },
  );
  return {
    area: request.area,
    proof: {
      depth: proof.merkleTreeDepth,
      root: proof.merkleTreeRoot.toString(),
      nullifier: proof.nullifier.toString(),
      points: proof.points.map(String),
    },
    timings: { ...ready.timings, proving: lap() },
  };
}

export interface MeasureResult {
  depth: number;
  download: number;
  proving: number;
  verifying: number;
  valid: boolean;
}

/**
 * Times a proof at `depth` as a census of up to 2^depth residents needs, without building such a
 * census: the member's path has `depth` random siblings, and hashing up them (each step is a group of
 * two, whose root is Poseidon of the pair) gives the root of a tree the member really is in. The
 * circuit does the same work as for any group of that depth; the proof is then verified. Files and
 * curve are ready before the clock starts, as the vote form readies them while the resident chooses.
 */
export async function measureProof(depth: number, onProgress: (p: ProveProgress) => void): Promise<MeasureResult> {
  const identity = new Identity();
  const siblings: bigint[] = [];
  let node = identity.commitment;
  for (let level = 0; level < depth; level++) {
    const sibling = BigInt(
      `0x${[...crypto.getRandomValues(new Uint8Array(31))].map((b) => b.toString(16).padStart(2, "0")).join("")}`,
    );
    siblings.push(sibling);
    node = new Group([node, sibling]).root;
  }
  const lap = stopwatch();
  const files = await provingFiles(depth, onProgress);
  await warmCurve();
  const download = lap();
  onProgress({ phase: "proving", depth });
  const proof = await generateProof(
    identity,
    { root: node, leaf: identity.commitment, index: 0, siblings },
    1n,
    2n,
    depth,
    files as unknown as { wasm: string; zkey: string },
  );
  const proving = lap();
  const valid = await verifyProof(proof);
  return { depth, download, proving, verifying: lap(), valid };
}
