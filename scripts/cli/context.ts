/**
 * Where a command reads its settings: global flags first, then the environment, then the defaults of
 * the embedded setup that `npm start` runs. Secrets (the staff key, the API token) never come from a
 * flag, so they stay out of shell history and `ps`.
 */
import fs from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { devKeysPath, loadDevKeys } from "../../node/embedded/devKeys";
import type { DevKeys } from "../../node/embedded/devKeys";
import { CliError } from "./errors";
import type { CliIo } from "./io";
import { dataDirFrom, deploymentsDirFrom, readSecret, STAFF_TOKEN_FILE } from "./dataFolder";
import { promptHidden } from "./prompt";

/** The network `npm start` runs; only here may the CLI fall back to the data folder's dev keys. */
export const EMBEDDED_NETWORK = "localhost";
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
export const DEFAULT_API_URL = "http://127.0.0.1:8080";

export interface GlobalOptions {
  network?: string;
  rpc?: string;
  api?: string;
  keystore?: string;
  json?: boolean;
}

export interface CliContext {
  io: CliIo;
  json: boolean;
  network: string;
  rpcUrl: string;
  apiUrl: string;
  dataDir: string;
  deploymentsDir: string;
  keystore: string | undefined;
  embedded: boolean;
}

const NETWORK_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function createContext(io: CliIo, options: GlobalOptions): CliContext {
  const network = options.network ?? io.env.VECHE_NETWORK ?? EMBEDDED_NETWORK;
  if (!NETWORK_NAME.test(network)) {
    throw new CliError("USAGE", `network name "${network}" must be letters, digits, "-" or "_"`, 2);
  }
  const rpcUrl = options.rpc ?? io.env.CHAIN_RPC_URL ?? DEFAULT_RPC_URL;
  if (!/^https?:\/\//.test(rpcUrl)) throw new CliError("USAGE", `--rpc must be an http(s) URL, got "${rpcUrl}"`, 2);
  return {
    io,
    json: options.json === true,
    network,
    rpcUrl,
    apiUrl: (options.api ?? io.env.VECHE_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, ""),
    dataDir: dataDirFrom(io.env, io.cwd),
    deploymentsDir: deploymentsDirFrom(io.env, io.cwd),
    keystore: options.keystore,
    embedded: network === EMBEDDED_NETWORK,
  };
}

export function resolvePath(ctx: CliContext, file: string): string {
  return path.resolve(ctx.io.cwd, file);
}

/** The embedded setup's dev keys, if `npm start` has generated them (never generates them here). */
export function embeddedDevKeys(ctx: CliContext): DevKeys | null {
  if (!ctx.embedded || !fs.existsSync(devKeysPath(ctx.dataDir))) return null;
  return loadDevKeys(ctx.dataDir);
}

export type KeyRole = "staff" | "deployer";

/**
 * The staff key: an encrypted keystore (`--keystore` + `VECHE_KEYSTORE_PASSWORD` or a prompt), else
 * `VECHE_STAFF_KEY`, else on the embedded network the data folder's dev key for `role`.
 */
export async function staffWallet(ctx: CliContext, role: KeyRole = "staff"): Promise<Wallet> {
  if (ctx.keystore) return openKeystore(ctx, resolvePath(ctx, ctx.keystore));
  const fromEnv = ctx.io.env.VECHE_STAFF_KEY;
  if (fromEnv) {
    try {
      return new Wallet(fromEnv.startsWith("0x") ? fromEnv : `0x${fromEnv}`);
    } catch {
      throw new CliError("STAFF_KEY_INVALID", "VECHE_STAFF_KEY is not a 32-byte hex private key");
    }
  }
  const dev = embeddedDevKeys(ctx);
  if (dev) return new Wallet(role === "deployer" ? dev.deployer.privateKey : dev.staff.privateKey);
  throw new CliError(
    "STAFF_KEY_MISSING",
    `no staff key: pass --keystore FILE (password in VECHE_KEYSTORE_PASSWORD) or set VECHE_STAFF_KEY` +
      (ctx.embedded ? ` (no dev keys in ${ctx.dataDir} either; has npm start run?)` : ""),
  );
}

async function openKeystore(ctx: CliContext, file: string): Promise<Wallet> {
  let json: string;
  try {
    json = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError("KEYSTORE_UNREADABLE", `cannot read keystore ${file}: ${(error as Error).message}`);
  }
  const password = ctx.io.env.VECHE_KEYSTORE_PASSWORD ?? (await promptHidden(ctx.io, `Password for ${file}: `));
  try {
    const wallet = await Wallet.fromEncryptedJson(json, password);
    return new Wallet(wallet.privateKey);
  } catch (error) {
    const message = (error as Error).message;
    if (/password/i.test(message)) throw new CliError("KEYSTORE_PASSWORD_WRONG", `wrong password for ${file}`);
    throw new CliError("KEYSTORE_INVALID", `${file} is not an encrypted JSON keystore: ${message}`);
  }
}

/** The API's staff token: `VECHE_STAFF_TOKEN`, else on the embedded network the one `npm start` wrote. */
export function staffToken(ctx: CliContext): string {
  const fromEnv = ctx.io.env.VECHE_STAFF_TOKEN;
  if (fromEnv) return fromEnv;
  const fromDataDir = ctx.embedded ? readSecret(ctx.dataDir, STAFF_TOKEN_FILE) : null;
  if (fromDataDir) return fromDataDir;
  throw new CliError(
    "STAFF_TOKEN_MISSING",
    `no staff API token: set VECHE_STAFF_TOKEN` +
      (ctx.embedded ? ` (or run npm start, which writes ${path.join(ctx.dataDir, STAFF_TOKEN_FILE)})` : ""),
  );
}
