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

/** The census's areas in ascending order, each with its members' commitments in resident order. */
export function censusAreaMembers(members: readonly CensusMember[]): { area: number; commitments: bigint[] }[] {
  const byArea = new Map<number, CensusMember[]>();
  for (const m of members) {
    const list = byArea.get(m.area) ?? [];
    list.push(m);
    byArea.set(m.area, list);
  }
  return [...byArea.keys()]
    .sort((a, b) => a - b)
    .map((area) => ({
      area,
      commitments: byArea
        .get(area)!
        .sort((a, b) => a.resident - b.resident)
        .map((m) => m.commitment),
    }));
}

/** An area's root: the Semaphore group of its commitments. */
export function censusAreaRoot(commitments: readonly bigint[]): bigint {
  return new Group([...commitments]).root;
}

/** The census from its areas (as `censusAreaMembers` orders them) and each area's root. */
export function assembleCensus(
  areas: readonly { area: number; commitments: bigint[] }[],
  roots: readonly bigint[],
): Census {
  const built = areas.map((a, index) => ({ area: a.area, commitments: a.commitments, root: roots[index]!, index }));
  const tree = buildBallotTree(built.map((a) => censusAreaLeaf(a.area, a.root, a.commitments.length)));
  return { areas: built, root: treeRoot(tree), eligible: areas.reduce((n, a) => n + a.commitments.length, 0) };
}

/** Builds the census from its members; an area with nobody in it is not in the census. */
export function buildCensus(members: readonly CensusMember[]): Census {
  const areas = censusAreaMembers(members);
  return assembleCensus(
    areas,
    areas.map((a) => censusAreaRoot(a.commitments)),
  );
}

/**
 * Each area's leaf and path to the census root, as castSecretBallot takes them, or null for an area
 * not in the census. The census tree is built once, on the first ask, not once per area: a poll over
 * thousands of buildings would otherwise rebuild a tree of thousands of leaves for each of them.
 */
export function censusAreaArguments(census: Census): (area: number) => CensusAreaArgument | null {
  const byArea = new Map(census.areas.map((a) => [a.area, a]));
  let tree: ReturnType<typeof buildBallotTree> | null = null;
  return (area) => {
    const found = byArea.get(area);
    if (!found) return null;
    tree ??= buildBallotTree(census.areas.map((a) => censusAreaLeaf(a.area, a.root, a.commitments.length)));
    return {
      area,
      members: found.commitments.length,
      root: found.root,
      index: found.index,
      siblings: proofOf(tree, found.index).siblings,
    };
  };
}

/** The area's leaf and its path to the census root, as castSecretBallot takes them. */
export function censusAreaArgument(census: Census, area: number): CensusAreaArgument {
  const argument = censusAreaArguments(census)(area);
  if (!argument) throw new RangeError(`area ${area} is not in the census`);
  return argument;
}
