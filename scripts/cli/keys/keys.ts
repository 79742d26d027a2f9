/** Staff keys kept as ethers encrypted JSON keystores (scrypt), never as plain text on disk. */
import fs from "node:fs";
import { Wallet } from "ethers";
import type { CliContext } from "../context";
import { resolvePath, staffWallet } from "../context";
import { CliError } from "../errors";
import { promptHidden } from "../prompt";

export const MIN_PASSWORD_LENGTH = 12;

export interface CreatedKeystore {
  address: string;
  file: string;
}

async function newPassword(ctx: CliContext): Promise<string> {
  const fromEnv = ctx.io.env.VECHE_KEYSTORE_PASSWORD;
  const password = fromEnv ?? (await promptHidden(ctx.io, "New keystore password: "));
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new CliError("KEYSTORE_PASSWORD_WEAK", `the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (fromEnv === undefined && (await promptHidden(ctx.io, "Repeat the password: ")) !== password) {
    throw new CliError("KEYSTORE_PASSWORD_MISMATCH", "the passwords differ");
  }
  return password;
}

/** Writes a new random key (or, with `fromEnv`, VECHE_STAFF_KEY) to an encrypted keystore file. */
export async function createKeystore(
  ctx: CliContext,
  options: { out: string; fromEnv?: boolean; force?: boolean },
): Promise<CreatedKeystore> {
  const file = resolvePath(ctx, options.out);
  if (fs.existsSync(file) && !options.force) {
    throw new CliError("FILE_EXISTS", `${file} exists; pass --force to replace it (the key in it would be lost)`);
  }
  let wallet: Wallet;
  if (options.fromEnv) {
    const key = ctx.io.env.VECHE_STAFF_KEY;
    if (!key) throw new CliError("STAFF_KEY_MISSING", "--from-env needs VECHE_STAFF_KEY");
    try {
      wallet = new Wallet(key.startsWith("0x") ? key : `0x${key}`);
    } catch {
      throw new CliError("STAFF_KEY_INVALID", "VECHE_STAFF_KEY is not a 32-byte hex private key");
    }
  } else {
    const random = Wallet.createRandom();
    wallet = new Wallet(random.privateKey);
  }
  const password = await newPassword(ctx);
  const json = await wallet.encrypt(password);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, json, { mode: 0o600 });
  fs.renameSync(temporary, file);
  return { address: wallet.address, file };
}

/** The address of the staff key the other commands would use (to grant it roles, say). */
export async function staffAddress(ctx: CliContext): Promise<{ address: string }> {
  return { address: (await staffWallet(ctx)).address };
}
