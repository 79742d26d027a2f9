/**
 * A secret ballot as an outside developer makes it from PROTOCOL.md section 10, with viem, fetch and
 * Semaphore v4's packages: the identity made here, the area's group from the API held to the census
 * root read from the chain, the proving files from the API, and the ballot sent with no session.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import { generateProof } from "@semaphore-protocol/proof";
import type { Hex } from "viem";
import type { BallotBoxReader } from "./chain";
import { call, ok } from "./resident";
import type { Deployment, Resident } from "./resident";
import { censusAreaLeafOf, rootFromProof, secretMessageOf, secretScopeOf } from "./stranger";

export interface SecretReceipt {
  pollId: number;
  leafIndex: number;
  leaf: Hex;
  nullifier: string;
  area: number;
  choices: string;
  revision: number;
}

interface CensusAreaAnswer {
  area: number;
  root: string;
  members: number;
  index: number;
  siblings: Hex[];
  commitments: string[];
}

export class SecretVoter {
  readonly identity = new Identity();

  constructor(
    readonly resident: Resident,
    private readonly apiUrl: string,
    private readonly deployment: Deployment,
    private readonly box: BallotBoxReader,
  ) {}

  /** Section 10.1: only the commitment leaves this client; the registrar publishes it. */
  async publishIdentity(): Promise<void> {
    await this.resident.post("/api/me/identity", { commitment: this.identity.commitment.toString() });
    const deadline = Date.now() + 60_000;
    while ((await this.resident.get<{ status: string }>("/api/me/identity")).status !== "mined") {
      if (Date.now() > deadline) throw new Error("the identity was not published");
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The area's group, held to the census root the chain committed: a made-up group would unmask us. */
  async group(pollId: number, area: number): Promise<Group> {
    const census = await this.box.read<{ root: Hex; areas: number }>("census", [BigInt(pollId)]);
    const answer = await ok(call<CensusAreaAnswer>(this.apiUrl, "GET", `/api/polls/${pollId}/census/areas/${area}`));
    const group = new Group(answer.commitments.map((c) => BigInt(c)));
    const leaf = censusAreaLeafOf(area, group.root, group.size);
    if (
      group.root.toString() !== answer.root ||
      rootFromProof(leaf, answer.index, census.areas, answer.siblings) !== census.root
    ) {
      throw new Error(`area ${area}'s group does not lead to the census root`);
    }
    return group;
  }

  /** Section 10.5: the ballot's body, its proof made at the smallest depth that holds the group. */
  async ballot(pollId: number, area: number, choices: bigint, revision: number) {
    const group = await this.group(pollId, area);
    const depth = Math.max(1, Math.ceil(Math.log2(group.size)));
    const proof = await generateProof(
      this.identity,
      group,
      secretMessageOf(choices, BigInt(revision)),
      secretScopeOf(this.deployment.chainId, this.deployment.ballotBox, BigInt(pollId)),
      depth,
      await this.provingFiles(depth),
    );
    return {
      pollId: String(pollId),
      choices: choices.toString(),
      revision: String(revision),
      area,
      proof: {
        depth: proof.merkleTreeDepth,
        root: proof.merkleTreeRoot.toString(),
        nullifier: proof.nullifier.toString(),
        points: proof.points.map(String),
      },
    };
  }

  /** Sends a ballot with no session or cookie and waits for its receipt. */
  async vote(pollId: number, area: number, choices: bigint, revision: number): Promise<SecretReceipt> {
    const body = await this.ballot(pollId, area, choices, revision);
    const { ballotId } = await ok(call<{ ballotId: Hex }>(this.apiUrl, "POST", "/api/secret-ballots", body));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await ok(
        call<{ status: string; receipt: SecretReceipt | null }>(
          this.apiUrl,
          "GET",
          `/api/secret-ballots/${ballotId}?wait=20`,
        ),
      );
      if (state.receipt) return state.receipt;
      if (state.status === "failed" || Date.now() > deadline)
        throw new Error(`secret ballot ${ballotId}: ${state.status}`);
    }
  }

  /** The circuit's files for `depth`, from the API's own static files (never a CDN). */
  private async provingFiles(depth: number): Promise<{ wasm: string; zkey: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-stranger-"));
    const files = { wasm: path.join(dir, `semaphore-${depth}.wasm`), zkey: path.join(dir, `semaphore-${depth}.zkey`) };
    for (const kind of ["wasm", "zkey"] as const) {
      const res = await fetch(`${this.apiUrl}/artifacts/semaphore-${depth}.${kind}`);
      if (!res.ok) throw new Error(`proving file ${kind} answered ${res.status}`);
      fs.writeFileSync(files[kind], Buffer.from(await res.arrayBuffer()));
    }
    return files;
  }
}
