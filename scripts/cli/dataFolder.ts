/**
 * The embedded setup's data folder (`VECHE_DATA_DIR`, default `<repo>/.veche`): where `npm start`
 * keeps the chain, the API's database and the secrets it generates once, and where the CLI finds them.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Env } from "./io";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Bearer token of the API's staff endpoints. */
export const STAFF_TOKEN_FILE = "staff-api-token";
/** Secret the API mixes into resident id hashes. */
export const PEPPER_FILE = "resident-id-pepper";

export function dataDirFrom(env: Env, cwd: string = process.cwd()): string {
  return path.resolve(cwd, env.VECHE_DATA_DIR || path.join(REPO_ROOT, ".veche"));
}

export function deploymentsDirFrom(env: Env, cwd: string = process.cwd()): string {
  return path.resolve(cwd, env.DEPLOYMENTS_DIR || path.join(REPO_ROOT, "deployments"));
}

/** A secret from the data folder, or null if it was never generated. */
export function readSecret(dataDir: string, name: string): string | null {
  try {
    const value = fs.readFileSync(path.join(dataDir, name), "utf8").trim();
    return value === "" ? null : value;
  } catch {
    return null;
  }
}

/** The data folder's secret `name`, generated once (32 random bytes, hex, file mode 0600). */
export function ensureSecret(dataDir: string, name: string): string {
  const existing = readSecret(dataDir, name);
  if (existing) return existing;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const value = crypto.randomBytes(32).toString("hex");
  try {
    // "wx": if another process wrote it first, keep theirs.
    fs.writeFileSync(path.join(dataDir, name), `${value}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stored = readSecret(dataDir, name);
  if (!stored) throw new Error(`${path.join(dataDir, name)} is empty`);
  return stored;
}
