/**
 * A secret poll's census, as contracts/interfaces/ISecretBallots.sol defines it: per area, the identity
 * commitments of the residents whose active registry entry was in that area at the snapshot block, in
 * resident order, as a Semaphore group (LeanIMT, Poseidon); an area leaf binds the area, its group's
 * root and member count; the census tree is the ballot tree over the area leaves in area order.
 */
import { AbiCoder, keccak256 } from "ethers";
import { Group } from "@semaphore-protocol/group";
import { buildBallotTree, proofOf, treeRoot } from "./tree";

/** One resident in the census: their area and identity commitment. */
export interface CensusMember {
  resident: number;
  area: number;
  commitment: bigint;
}

export interface CensusAreaGroup {
  area: number;
  /** Commitments in resident order: the order of the area's group. */
  commitments: bigint[];
  root: bigint;
  /** Position of the area's leaf in the census tree. */
  index: number;
}

export interface Census {
  areas: CensusAreaGroup[];
  root: string;
  eligible: number;
}

/** What castSecretBallot takes to place an area in the census. */
export interface CensusAreaArgument {
  area: number;
  members: number;
  root: bigint;
  index: number;
  siblings: string[];
}

const coder = AbiCoder.defaultAbiCoder();

/** keccak256(abi.encode(uint32 area, uint256 areaRoot, uint32 members)). */
export function censusAreaLeaf(area: number, root: bigint, members: number): string {
  return keccak256(coder.encode(["uint32", "uint256", "uint32"], [area, root, members]));
}

/** Builds the census from its members; an area with nobody in it is not in the census. */
export function buildCensus(members: readonly CensusMember[]): Census {
  const byArea = new Map<number, CensusMember[]>();
  for (const m of members) {
    const list = byArea.get(m.area) ?? [];
    list.push(m);
    byArea.set(m.area, list);
  }
  const areas = [...byArea.keys()]
    .sort((a, b) => a - b)
    .map((area, index) => {
      const commitments = byArea
        .get(area)!
        .sort((a, b) => a.resident - b.resident)
        .map((m) => m.commitment);
      return { area, commitments, root: new Group(commitments).root, index };
    });
  const tree = buildBallotTree(areas.map((a) => censusAreaLeaf(a.area, a.root, a.commitments.length)));
  return { areas, root: treeRoot(tree), eligible: members.length };
}

/** The area's leaf and its path to the census root, as castSecretBallot takes them. */
export function censusAreaArgument(census: Census, area: number): CensusAreaArgument {
  const found = census.areas.find((a) => a.area === area);
  if (!found) throw new RangeError(`area ${area} is not in the census`);
  const tree = buildBallotTree(census.areas.map((a) => censusAreaLeaf(a.area, a.root, a.commitments.length)));
  return {
    area,
    members: found.commitments.length,
    root: found.root,
    index: found.index,
    siblings: proofOf(tree, found.index).siblings,
  };
}
