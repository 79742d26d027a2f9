/** Running the `veche` CLI against a test stack: in-process through runCli, or as the real executable. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../../scripts/cli/main";
import type { Env } from "../../scripts/cli/io";
import { STAFF_TOKEN } from "../api/harness";
import type { Stack } from "../api/harness";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment an operator of this stack would export. */
export function cliEnv(stack: Stack): Env {
  if (!stack.api) throw new Error("API not running");
  return {
    VECHE_DATA_DIR: stack.dataDir,
    DEPLOYMENTS_DIR: path.join(stack.dataDir, "deployments"),
    VECHE_NETWORK: "localhost",
    CHAIN_RPC_URL: stack.chain.rpcUrl,
    VECHE_API_URL: stack.api.url,
    VECHE_STAFF_TOKEN: STAFF_TOKEN,
  };
}

export async function veche(env: Env, argv: string[], cwd = os.tmpdir()): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    env,
    cwd,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** Runs `argv` with --json and parses stdout, failing with stderr if the command failed. */
export async function vecheJson<T>(env: Env, argv: string[]): Promise<T> {
  const run = await veche(env, [...argv, "--json"]);
  if (run.code !== 0) throw new Error(`veche ${argv.join(" ")} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

export const BIN = path.resolve(__dirname, "..", "..", "scripts", "cli", "bin.js");

/** The installed executable, as `npx veche` runs it. */
export function vecheBin(env: Env, argv: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...argv],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
