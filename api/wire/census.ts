/** A secret poll's census, as the browser needs it to build a membership proof and anyone can check. */
import { z } from "zod";
import { decimal, hash32, uint32 } from "./common";

export const areaKind = z.enum(["district", "building"]);

export const censusAreaParams = z.strictObject({
  pollId: z.coerce.number().int().min(1).max(0xffffffff),
  area: z.coerce.number().int().min(0).max(0xffffffff),
});

export const censusAreaSummary = z.object({
  area: uint32,
  label: z.string(),
  members: z.number().int(),
  root: decimal.describe("the area's Semaphore group root"),
});

export const censusSummary = z.object({
  pollId: z.number().int(),
  root: hash32.describe("the census root the poll committed on-chain"),
  snapshotBlock: z.number().int(),
  eligible: z.number().int(),
  areaKind,
  areas: z.array(censusAreaSummary),
});

export const censusArea = z.object({
  area: uint32,
  label: z.string(),
  root: decimal,
  members: z.number().int(),
  index: z.number().int().describe("the area leaf's position in the census tree"),
  siblings: z.array(hash32).describe("the area leaf's path to the census root, as castSecretBallot takes it"),
  commitments: z.array(decimal).describe("the area's identity commitments in group order"),
});

export const censusPlace = z.object({
  pollId: z.number().int(),
  counted: z.boolean().describe("whether the census counts an identity of the resident's"),
  area: uint32.nullable().describe("the area the census counted the resident in: the one of the poll's snapshot"),
  label: z.string().nullable(),
  commitment: decimal.nullable().describe("the identity commitment the census holds for the resident"),
});

export type CensusSummary = z.infer<typeof censusSummary>;
export type CensusArea = z.infer<typeof censusArea>;
export type CensusPlace = z.infer<typeof censusPlace>;
