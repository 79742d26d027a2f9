/**
 * PROTOCOL.md section 10's test vectors, recomputed as an outside developer would from the text: viem
 * for hashes and encodings, Semaphore v4's own packages for identities and group roots (the protocol
 * names them), nothing of Veche's code.
 */
import { expect } from "chai";
import { Group } from "@semaphore-protocol/group";
import { Identity } from "@semaphore-protocol/identity";
import type { Hex } from "viem";
import {
  buildingCodeOf,
  censusOf,
  normalizedBuilding,
  proofOf,
  publicSignalOf,
  readVectors,
  rootFromProof,
  secretLeafOf,
  secretMessageOf,
  secretScopeOf,
} from "./stranger";

interface SecretVectors {
  secret: {
    buildings: { text: string; normalized: string; code: number }[];
    census: {
      members: { resident: number; area: number; commitment: string }[];
      areas: { area: number; index: number; commitments: string[]; root: string; leaf: Hex }[];
      root: Hex;
      eligible: number;
      argument: { area: number; members: number; index: number; siblings: Hex[]; root: string };
    };
    ballot: {
      chainId: number;
      ballotBox: Hex;
      pollId: number;
      choices: string;
      revision: number;
      area: number;
      nullifier: string;
      scope: string;
      message: string;
      publicScope: string;
      publicMessage: string;
      leaf: Hex;
    };
  };
}

const groupRoot = (commitments: readonly bigint[]) => new Group([...commitments]).root;

describe("conformance: PROTOCOL.md's secret-poll vectors with viem and Semaphore", () => {
  const { buildings, census, ballot } = readVectors<SecretVectors>().secret;

  it("normalizes building strings and derives their codes", () => {
    for (const b of buildings) {
      expect(normalizedBuilding(b.text), JSON.stringify(b.text)).to.equal(b.normalized);
      expect(buildingCodeOf(b.text), JSON.stringify(b.text)).to.equal(b.code);
    }
  });

  it("regenerates each member's identity commitment from its documented seed", () => {
    for (const m of census.members) {
      const identity = new Identity(`veche protocol identity ${m.resident}`);
      expect(identity.commitment.toString(), `resident ${m.resident}`).to.equal(m.commitment);
    }
  });

  it("builds the census: areas in order, commitments in resident order, group roots, area leaves and root", () => {
    const built = censusOf(
      census.members.map((m) => ({ resident: m.resident, area: m.area, commitment: BigInt(m.commitment) })),
      groupRoot,
    );
    expect(
      built.areas.map((a) => ({
        area: a.area,
        index: a.index,
        commitments: a.commitments.map(String),
        root: a.root.toString(),
        leaf: a.leaf,
      })),
    ).to.deep.equal(census.areas);
    expect(built.root).to.equal(census.root);
    expect(built.eligible).to.equal(census.eligible);

    // The area's path as castSecretBallot takes it leads from its leaf to the census root.
    const a = census.argument;
    const { siblings } = proofOf(built.leaves, a.index);
    expect(siblings).to.deep.equal(a.siblings);
    const leaf = built.areas[a.index]!.leaf;
    expect(rootFromProof(leaf, a.index, built.leaves.length, a.siblings)).to.equal(census.root);
    expect([built.areas[a.index]!.area, built.areas[a.index]!.commitments.length]).to.deep.equal([a.area, a.members]);
  });

  it("derives a secret ballot's scope, message, public signals and leaf", () => {
    const pollId = BigInt(ballot.pollId);
    const scope = secretScopeOf(ballot.chainId, ballot.ballotBox, pollId);
    const message = secretMessageOf(BigInt(ballot.choices), BigInt(ballot.revision));
    expect([scope.toString(), message.toString()]).to.deep.equal([ballot.scope, ballot.message]);
    expect([publicSignalOf(scope).toString(), publicSignalOf(message).toString()]).to.deep.equal([
      ballot.publicScope,
      ballot.publicMessage,
    ]);
    const leaf = secretLeafOf({
      pollId,
      nullifier: BigInt(ballot.nullifier),
      choices: BigInt(ballot.choices),
      revision: BigInt(ballot.revision),
      area: ballot.area,
    });
    expect(leaf).to.equal(ballot.leaf);
  });
});
