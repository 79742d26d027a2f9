/**
 * The resident register as CSV (RFC 4180, read by csv-parse): a header naming
 * `residentId,district,building` (in any order), then one resident per record. Fields may be quoted
 * ("Tverskaya 7, bldg 2"), and a quoted field may span lines. Cells the project wrote with a
 * formula-disarming apostrophe (`csvField`) read back as the value they were given.
 */
import { RESIDENT_ID } from "../../../api/wire/common";
import { MAX_BUILDING_LENGTH } from "../../../api/wire/residents";

export const REQUIRED_COLUMNS = ["residentId", "district", "building"] as const;
export const MAX_DISTRICT = 4_294_967_295;

export interface ResidentRow {
  residentId: string;
  district: number;
  building: string;
}

export type Columns = Record<(typeof REQUIRED_COLUMNS)[number], number> & { count: number };

/**
 * A cell a spreadsheet would run as a formula (OWASP's CSV injection advice): it starts with one of
 * = + - @ or a tab or carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell, safe to open in a spreadsheet: a would-be formula gets a leading apostrophe (shown as
 * text, never run), and the cell is quoted when CSV needs it.
 */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Reads back a cell written by `csvField`: the apostrophe that disarmed a formula is dropped. */
export function csvValue(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

export function parseHeader(fields: readonly string[]): Columns | string {
  const names = fields.map((f) => f.trim());
  const columns: Partial<Columns> = { count: names.length };
  for (const required of REQUIRED_COLUMNS) {
    const index = names.indexOf(required);
    if (index < 0) return `header must name the columns ${REQUIRED_COLUMNS.join(",")}; "${required}" is missing`;
    columns[required] = index;
  }
  const extra = names.filter((n) => !(REQUIRED_COLUMNS as readonly string[]).includes(n));
  if (extra.length > 0) return `header has unknown columns: ${extra.join(", ")}`;
  return columns as Columns;
}

/** The record's resident, or why it is not one. */
export function parseRow(fields: readonly string[], columns: Columns): ResidentRow | string {
  if (fields.length !== columns.count) return `expected ${columns.count} fields, found ${fields.length}`;
  const residentId = csvValue((fields[columns.residentId] ?? "").trim());
  const districtText = csvValue((fields[columns.district] ?? "").trim());
  const building = csvValue((fields[columns.building] ?? "").trim());
  if (!RESIDENT_ID.test(residentId)) {
    return `residentId "${residentId.slice(0, 70)}" must be 1-64 letters, digits, "-" or "_"`;
  }
  if (!/^\d{1,10}$/.test(districtText) || Number(districtText) > MAX_DISTRICT) {
    return `district "${districtText.slice(0, 20)}" must be a whole number from 0 to ${MAX_DISTRICT}`;
  }
  if (building.length > MAX_BUILDING_LENGTH) {
    return `building is ${building.length} characters long; at most ${MAX_BUILDING_LENGTH}`;
  }
  return { residentId, district: Number(districtText), building };
}
