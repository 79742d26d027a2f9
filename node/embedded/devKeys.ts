/**
 * Development keys of the embedded chain. A random mnemonic is generated once into
 * `<dataDir>/dev-keys.json` (mode 0600, under the git-ignored data folder, never committed) and handed
 * to anvil, which funds every account derived from it. Anvil's well-known default mnemonic is not
 * used: anything sent to those addresses on a real network is taken at once.
 */
import fs from "node:fs";
import path from "node:path";
import { HDNodeWallet, Mnemonic, Wallet } from "ethers";
import { ChainError } from "./errors";

/** Relayer accounts, each with its own nonce, so the API can relay ballots in parallel. */
export const RELAYER_COUNT = 8;
/** Accounts anvil must derive and fund: deployer, staff, registrar, then the relayers. */
export const DEV_ACCOUNT_COUNT = 3 + RELAYER_COUNT;
/** Anvil's default; the `/<index>` is appended per account. */
export const DERIVATION_PATH = "m/44'/60'/0'/0";
export const DEV_KEYS_FILE = "dev-keys.json";

export interface DevKey {
  name: string;
  index: number;
  address: string;
  privateKey: string;
}

export interface DevKeys {
  mnemonic: string;
  /** Default admin of the ballot box. */
  deployer: DevKey;
  /** Poll admin and rewards manager. */
  staff: DevKey;
  registrar: DevKey;
  relayers: DevKey[];
}

interface DevKeysFile {
  note: string;
  mnemonic: string;
  derivationPath: string;
  accounts: Record<string, string>;
}

export function devKeysPath(dataDir: string): string {
  return path.join(dataDir, DEV_KEYS_FILE);
}

/** The data folder's development keys, generating them on first use. */
export function loadDevKeys(dataDir: string): DevKeys {
  const file = devKeysPath(dataDir);
  if (!fs.existsSync(file)) createDevKeys(dataDir);
  let mnemonic: unknown;
  try {
    mnemonic = (JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DevKeysFile>).mnemonic;
  } catch (error) {
    throw new ChainError("DEV_KEYS_INVALID", `${file} is not readable JSON: ${(error as Error).message}`);
  }
  if (typeof mnemonic !== "string" || !Mnemonic.isValidMnemonic(mnemonic)) {
    throw new ChainError("DEV_KEYS_INVALID", `${file} has no valid "mnemonic"`);
  }
  return deriveDevKeys(mnemonic);
}

export function deriveDevKeys(mnemonic: string): DevKeys {
  const root = HDNodeWallet.fromPhrase(mnemonic, undefined, DERIVATION_PATH);
  const key = (name: string, index: number): DevKey => {
    const wallet = root.deriveChild(index);
    return { name, index, address: wallet.address, privateKey: wallet.privateKey };
  };
  return {
    mnemonic,
    deployer: key("deployer", 0),
    staff: key("staff", 1),
    registrar: key("registrar", 2),
    relayers: Array.from({ length: RELAYER_COUNT }, (_, i) => key(`relayer-${i + 1}`, 3 + i)),
  };
}

export function allDevKeys(keys: DevKeys): DevKey[] {
  return [keys.deployer, keys.staff, keys.registrar, ...keys.relayers];
}

function createDevKeys(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const mnemonic = Wallet.createRandom().mnemonic?.phrase;
  if (!mnemonic) throw new Error("ethers produced a wallet without a mnemonic");
  const keys = deriveDevKeys(mnemonic);
  const content: DevKeysFile = {
    note: "Veche development keys for the embedded chain only. Never commit; never use on a real network.",
    mnemonic,
    derivationPath: `${DERIVATION_PATH}/<index>`,
    accounts: Object.fromEntries(allDevKeys(keys).map((k) => [k.name, k.address])),
  };
  try {
    // "wx": if another process created the file first, keep theirs.
    fs.writeFileSync(devKeysPath(dataDir), `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}
