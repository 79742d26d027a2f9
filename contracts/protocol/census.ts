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

/** What a census's areas are: the residents' districts, or their buildings. */
export type CensusAreaKind = "district" | "building";

/** The registry's events a census is drawn from, in chain order. */
export type RegistryEvent =
  | { kind: "voterEnrolled"; block: number; resident: number; key: string; district: number }
  | { kind: "voterRevoked"; block: number; resident: number; key: string }
  | { kind: "identityCommitted"; block: number; resident: number; commitment: bigint; building: number };

/**
 * The census rule: at the snapshot block, every resident whose latest voter key is active, whose
 * district is in the poll's scope (all districts when `districts` is empty) and who has an identity
 * commitment is a member once, with their latest commitment, in the area of their district or
 * building. A resident who replaces their identity, moves, or enrols after the snapshot still has at
 * most one identity in the census, and the census never changes after the poll is created.
 */
export function censusMembers(
  events: readonly RegistryEvent[],
  snapshotBlock: number,
  districts: readonly number[],
  areaKind: CensusAreaKind,
): CensusMember[] {
  const residents = new Map<
    number,
    { key: string; active: boolean; district: number; commitment?: bigint; building?: number }
  >();
  for (const e of events) {
    if (e.block > snapshotBlock) break;
    const known = residents.get(e.resident);
    if (e.kind === "voterEnrolled") {
      residents.set(e.resident, { ...known, key: e.key.toLowerCase(), active: true, district: e.district });
    } else if (e.kind === "voterRevoked") {
      if (known && known.key === e.key.toLowerCase()) known.active = false;
    } else if (known) {
      known.commitment = e.commitment;
      known.building = e.building;
    }
  }
  const scope = new Set(districts);
  const members: CensusMember[] = [];
  for (const [resident, r] of residents) {
    if (!r.active || r.commitment === undefined) continue;
    if (scope.size > 0 && !scope.has(r.district)) continue;
    members.push({
      resident,
      area: areaKind === "district" ? r.district : (r.building ?? 0),
      commitment: r.commitment,
    });
  }
  return members.sort((a, b) => a.resident - b.resident);
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
