/**
 * `residents import`: streams a register CSV twice — once to check every row, once to send the valid
 * rows to the API in chunks — so a million rows import in bounded memory. A file with bad rows imports
 * nothing unless the caller skips them. New residents' activation codes are appended to a codes file
 * (mode 0600) for printing as letters; re-importing is harmless, as the API answers known residents
 * as "existing" and issues them no new code.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import type { CsvError } from "csv-parse";
import { MAX_IMPORT_ROWS } from "../../../api/wire/residents";
import type { ImportAnswer } from "../../../api/wire/residents";
import type { ApiClient } from "../api";
import { CliError } from "../errors";
import type { Output } from "../io";
import { progressBar } from "../progress";
import { csvField, parseHeader, parseRow } from "./csv";
import type { ResidentRow } from "./csv";

/** The API takes this many residents per request at most. */
export const MAX_CHUNK = MAX_IMPORT_ROWS;
/** Bad rows listed in an error; the count covers them all. */
export const MAX_REPORTED_ERRORS = 50;
export const CODES_HEADER = "residentId,district,building,activationCode";

export interface ImportOptions {
  file: string;
  /** Default `<input name>.codes.csv` beside the input. */
  out?: string;
  skipInvalid?: boolean;
  chunkSize?: number;
  api: ApiClient;
  /** Where the progress bar goes (only drawn on a terminal). */
  progress?: Output;
}

export interface RowError {
  line: number;
  message: string;
}

export interface ImportResult {
  file: string;
  codesFile: string;
  /** Data rows read (header and blank lines not counted). */
  rows: number;
  valid: number;
  invalid: number;
  created: number;
  existing: number;
  /** The first MAX_REPORTED_ERRORS bad rows. */
  errors: RowError[];
}

type Item = { kind: "row"; line: number; row: ResidentRow; endsChunk: boolean } | ({ kind: "error" } & RowError);

export function defaultCodesFile(file: string): string {
  const parsed = path.parse(file);
  return path.join(parsed.dir, `${parsed.ext.toLowerCase() === ".csv" ? parsed.name : parsed.base}.codes.csv`);
}

/** Why csv-parse refused a record, in words. */
function csvProblem(error: CsvError | undefined): string {
  if (error?.code === "CSV_QUOTE_NOT_CLOSED") return "a quoted field is never closed";
  if (error?.code === "CSV_INVALID_CLOSING_QUOTE") return "text follows a closing quote";
  return error?.message ?? "not a CSV record";
}

/**
 * The file's rows in order. A resident id repeated within one chunk's window is an error (the API must
 * never see one twice in a request); across chunks the API answers the repeat as "existing". Lines are
 * the file's: a record whose quoted field spans lines is reported at its first line.
 */
async function* readRegister(file: string, chunkSize: number, onBytes: (bytes: number) => void): AsyncGenerator<Item> {
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 16 });
  const refused: RowError[] = [];
  const records = stream.pipe(
    parse({
      bom: true,
      info: true,
      raw: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error, raw) => {
        // csv-parse counts lines up to the refused record's last; it began as many line feeds earlier.
        const last = typeof error?.lines === "number" ? error.lines : 0;
        refused.push({ line: last - (raw?.trim().match(/\n/g)?.length ?? 0), message: csvProblem(error) });
      },
    }),
  );
  let columns: ReturnType<typeof parseHeader> | null = null;
  let window = new Map<string, number>();
  let count = 0;
  try {
    for await (const { record, info, raw } of records as AsyncIterable<{
      record: string[];
      info: { lines: number };
      raw: string;
    }>) {
      if (++count % 1000 === 0) onBytes(stream.bytesRead);
      const line = info.lines - (raw.replace(/\r?\n$/, "").match(/\n/g)?.length ?? 0);
      while (refused.length > 0 && refused[0]!.line < line) yield { kind: "error", ...refused.shift()! };
      if (columns === null) {
        columns = parseHeader(record);
        if (typeof columns === "string") throw new CliError("RESIDENTS_HEADER_INVALID", `${file}:${line}: ${columns}`);
        continue;
      }
      const row = parseRow(record, columns);
      if (typeof row === "string") {
        yield { kind: "error", line, message: row };
        continue;
      }
      const first = window.get(row.residentId);
      if (first !== undefined) {
        yield { kind: "error", line, message: `residentId ${row.residentId} repeats line ${first}` };
        continue;
      }
      window.set(row.residentId, line);
      const endsChunk = window.size >= chunkSize;
      if (endsChunk) window = new Map();
      yield { kind: "row", line, row, endsChunk };
    }
  } finally {
    stream.destroy();
  }
  for (const error of refused) yield { kind: "error", ...error };
  onBytes(stream.bytesRead);
  if (columns === null) throw new CliError("RESIDENTS_FILE_EMPTY", `${file} is empty; it needs a header line`);
}

export async function importResidents(options: ImportOptions): Promise<ImportResult> {
  const chunkSize = options.chunkSize ?? MAX_CHUNK;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK) {
    throw new CliError("USAGE", `chunk size must be 1 to ${MAX_CHUNK}`, 2);
  }
  const file = options.file;
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error("not a file");
    size = stat.size;
  } catch (error) {
    throw new CliError("FILE_UNREADABLE", `cannot read ${file}: ${(error as Error).message}`);
  }
  const codesFile = options.out ?? defaultCodesFile(file);
  if (path.resolve(codesFile) === path.resolve(file)) {
    throw new CliError("USAGE", "the codes file cannot be the input file", 2);
  }

  // Pass 1: check every row; nothing is sent yet.
  const checking = progressBar(options.progress ?? { write: () => undefined }, "checking");
  const result: ImportResult = { file, codesFile, rows: 0, valid: 0, invalid: 0, created: 0, existing: 0, errors: [] };
  for await (const item of readRegister(file, chunkSize, (bytes) => checking.update(bytes, size))) {
    result.rows++;
    if (item.kind === "row") result.valid++;
    else {
      result.invalid++;
      if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push({ line: item.line, message: item.message });
    }
  }
  checking.done();
  if (result.invalid > 0 && !options.skipInvalid) {
    const listed = result.errors.map((e) => `  line ${e.line}: ${e.message}`).join("\n");
    const more = result.invalid > result.errors.length ? `\n  … and ${result.invalid - result.errors.length} more` : "";
    throw new CliError(
      "RESIDENTS_INVALID",
      `${file} has ${result.invalid} invalid row${result.invalid === 1 ? "" : "s"}; nothing was imported:\n` +
        `${listed}${more}\nFix them, or pass --skip-invalid to import only the valid rows.`,
      1,
      { invalid: result.invalid, errors: result.errors },
    );
  }
  if (result.valid === 0) return result;

  // Pass 2: send the valid rows chunk by chunk, appending each chunk's new codes as it is answered.
  const codes = openCodesFile(codesFile);
  const sending = progressBar(options.progress ?? { write: () => undefined }, "importing");
  let chunk: ResidentRow[] = [];
  let sent = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const rows = chunk;
    chunk = [];
    const answer = await options.api.post<ImportAnswer>("/api/admin/residents", { residents: rows }, true);
    const byId = new Map(rows.map((r) => [r.residentId, r]));
    const lines = answer.created.map((c) => {
      const row = byId.get(c.residentId);
      return [c.residentId, String(row?.district ?? ""), row?.building ?? "", c.activationCode].map(csvField).join(",");
    });
    if (lines.length > 0) fs.writeSync(codes, `${lines.join("\n")}\n`);
    result.created += answer.created.length;
    result.existing += answer.existing.length;
    sent += rows.length;
    sending.update(sent, result.valid);
  };
  try {
    for await (const item of readRegister(file, chunkSize, () => undefined)) {
      if (item.kind !== "row") continue;
      chunk.push(item.row);
      if (item.endsChunk) await flush();
    }
    await flush();
  } catch (error) {
    if (error instanceof CliError && sent > 0) {
      error.message += ` (${sent} of ${result.valid} rows were imported before this; importing the file again is safe)`;
    }
    throw error;
  } finally {
    sending.done();
    fs.closeSync(codes);
  }
  return result;
}

/** Opens the codes file for appending, readable by its owner only, with a header if it is new. */
function openCodesFile(file: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "a", 0o600);
  fs.fchmodSync(fd, 0o600);
  if (fs.fstatSync(fd).size === 0) fs.writeSync(fd, `${CODES_HEADER}\n`);
  return fd;
}
