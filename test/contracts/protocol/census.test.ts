/**
 * The census rule from registry events: one identity per resident, their latest at the snapshot,
 * in the area of their district or building, only while their key is active and in scope.
 */
import { expect } from "chai";
import { buildCensus, censusAreaArgument, censusAreaArguments, censusMembers } from "../../../contracts/protocol";
import type { CensusMember, RegistryEvent } from "../../../contracts/protocol";
import { buildCensusOnThreads, INLINE_MEMBERS } from "../../../contracts/protocol/node/censusOnThreads";

const events: RegistryEvent[] = [
  { kind: "voterEnrolled", block: 1, resident: 1, key: "0xA1", district: 3 },
  { kind: "identityCommitted", block: 1, resident: 1, commitment: 11n, building: 301 },
  { kind: "voterEnrolled", block: 2, resident: 2, key: "0xB1", district: 3 },
  { kind: "identityCommitted", block: 2, resident: 2, commitment: 21n, building: 302 },
  // Resident 2 replaces their identity and moves building: only the latest counts.
  { kind: "identityCommitted", block: 3, resident: 2, commitment: 22n, building: 301 },
  // Resident 3 has a key but no identity: not in any census.
  { kind: "voterEnrolled", block: 3, resident: 3, key: "0xC1", district: 3 },
  // Resident 4 is revoked: out.
  { kind: "voterEnrolled", block: 3, resident: 4, key: "0xD1", district: 3 },
  { kind: "identityCommitted", block: 3, resident: 4, commitment: 41n, building: 302 },
  { kind: "voterRevoked", block: 4, resident: 4, key: "0xD1" },
  // Resident 5 lives in another district.
  { kind: "voterEnrolled", block: 4, resident: 5, key: "0xE1", district: 9 },
  { kind: "identityCommitted", block: 4, resident: 5, commitment: 51n, building: 901 },
  // Resident 1 replaces their key (old revoked, new enrolled): still one member.
  { kind: "voterRevoked", block: 5, resident: 1, key: "0xA1" },
  { kind: "voterEnrolled", block: 5, resident: 1, key: "0xA2", district: 3 },
  // After the snapshot: a late enrolment and a new identity change nothing.
  { kind: "voterEnrolled", block: 7, resident: 6, key: "0xF1", district: 3 },
  { kind: "identityCommitted", block: 7, resident: 6, commitment: 61n, building: 302 },
  { kind: "identityCommitted", block: 7, resident: 1, commitment: 12n, building: 301 },
];

describe("census rule", () => {
  it("counts each resident once, with their latest identity at the snapshot, by building", () => {
    expect(censusMembers(events, 6, [3], "building")).to.deep.equal([
      { resident: 1, area: 301, commitment: 11n },
      { resident: 2, area: 301, commitment: 22n },
    ]);
  });

  it("counts by district and city-wide when the poll has no districts", () => {
    expect(censusMembers(events, 6, [], "district")).to.deep.equal([
      { resident: 1, area: 3, commitment: 11n },
      { resident: 2, area: 3, commitment: 22n },
      { resident: 5, area: 9, commitment: 51n },
    ]);
  });

  it("builds one leaf per area with its member count, and paths that lead to the root", () => {
    const census = buildCensus(censusMembers(events, 6, [], "district"));
    expect(census.areas.map((a) => [a.area, a.commitments.length])).to.deep.equal([
      [3, 2],
      [9, 1],
    ]);
    expect(census.eligible).to.equal(3);
    expect(censusAreaArgument(census, 9).siblings).to.have.length(1);
    expect(() => censusAreaArgument(census, 4)).to.throw(RangeError);
  });

  it("gives every area's path from one build of the census tree, as one area at a time does", () => {
    const members: CensusMember[] = Array.from({ length: 40 }, (_, i) => ({
      resident: i + 1,
      area: 100 + (i % 13),
      commitment: BigInt(1000 + i),
    }));
    const census = buildCensus(members);
    const argumentOf = censusAreaArguments(census);
    for (const a of census.areas) expect(argumentOf(a.area)).to.deep.equal(censusAreaArgument(census, a.area));
    expect(argumentOf(99)).to.equal(null);
  });

  it("builds a large census on threads exactly as in one thread, its areas split unevenly", async function () {
    this.timeout(60_000);
    // Areas of 1 to 400 members, more than the threads' share in some: the runs must still cover all.
    const members: CensusMember[] = [];
    for (let area = 0; members.length <= INLINE_MEMBERS + 500; area++) {
      const size = area % 7 === 0 ? 400 : 1 + ((area * 37) % 60);
      for (let k = 0; k < size; k++) {
        members.push({ resident: members.length + 1, area: 5000 + area, commitment: BigInt(7 + members.length * 3) });
      }
    }
    const inline = buildCensus(members);
    for (const threads of [2, 3]) {
      const threaded = await buildCensusOnThreads(members, threads);
      expect(threaded.root).to.equal(inline.root);
      expect(threaded.eligible).to.equal(members.length);
      expect(threaded.areas.map((a) => [a.area, a.root, a.index])).to.deep.equal(
        inline.areas.map((a) => [a.area, a.root, a.index]),
      );
    }
  });
});
