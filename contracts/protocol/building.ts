/**
 * Building codes: the registry stores a resident's building as a uint32, never the address text, so
 * a code is derived from the register's building string by a public rule anyone can repeat: the first
 * four bytes of keccak256 of the normalized string (Unicode NFC, trimmed, inner whitespace collapsed
 * to one space, lower case). The city publishes its building strings, so observers map codes back.
 */
import { keccak256, toUtf8Bytes } from "ethers";

/** The building string as it is hashed: NFC, trimmed, one space between words, lower case. */
export function normalizeBuilding(building: string): string {
  return building.normalize("NFC").trim().replace(/\s+/gu, " ").toLowerCase();
}

/** The building's public uint32 code (0 is never produced: it is read as "no building"). */
export function buildingCode(building: string): number {
  const code = parseInt(keccak256(toUtf8Bytes(normalizeBuilding(building))).slice(2, 10), 16);
  return code === 0 ? 1 : code;
}
