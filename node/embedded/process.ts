/** Watching the anvil child: its exit, its JSON-RPC coming up, and one node per data folder. */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import { ChainError } from "./errors";

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function waitForExit(child: ChildProcess): Promise<ExitStatus> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once("exit", (code, signal) => resolve({ code, signal }));
    // A spawn failure emits "error" and maybe no "exit".
    child.once("error", () => resolve({ code: child.exitCode ?? -1, signal: child.signalCode }));
  });
}

/** The last lines of the node's log, without lines that print private keys or the mnemonic. */
export function logTail(logFile: string, lines = 12): string {
  try {
    return fs
      .readFileSync(logFile, "utf8")
      .split("\n")
      .filter((line) => !/0x[0-9a-fA-F]{64}|Mnemonic/.test(line))
      .slice(-lines)
      .join("\n");
  } catch {
    return "";
  }
}

async function rpcChainId(rpcUrl: string): Promise<number | null> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2000),
    });
    const body = (await response.json()) as { result?: unknown };
    return typeof body.result === "string" ? Number(BigInt(body.result)) : null;
  } catch {
    return null;
  }
}

/** Resolves with the chain id once JSON-RPC answers; fails if the node exits or time runs out. */
export async function waitForRpc(
  rpcUrl: string,
  exited: Promise<ExitStatus>,
  timeoutMs: number,
  logFile: string,
): Promise<number> {
  let exit: ExitStatus | undefined;
  void exited.then((status) => (exit = status));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit) {
      throw new ChainError(
        "CHAIN_START_FAILED",
        `anvil exited (${JSON.stringify(exit)}) before answering; end of ${logFile}:\n${logTail(logFile)}`,
      );
    }
    const chainId = await rpcChainId(rpcUrl);
    if (chainId !== null) return chainId;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new ChainError(
    "CHAIN_START_FAILED",
    `anvil did not answer at ${rpcUrl} in ${timeoutMs} ms:\n${logTail(logFile)}`,
  );
}

/**
 * Throws CHAIN_DATA_DIR_IN_USE when the pid file names a live anvil: two
 * nodes dumping into one state file would overwrite each other's chain.
 */
export function assertDataDirFree(pidFile: string, chainDir: string): void {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, "utf8").trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAnvilOn(pid, chainDir)) return;
  throw new ChainError(
    "CHAIN_DATA_DIR_IN_USE",
    `anvil (pid ${pid}) is still running on this data folder (${pidFile}); stop it first (kill ${pid})`,
  );
}

/** The variable that marks an anvil started for a chain folder, so a reused pid is not mistaken for it. */
export const CHAIN_DIR_VARIABLE = "VECHE_CHAIN_DIR";

/** Whether `pid` is an anvil started for `chainDir` (and not a later process that reused the pid). */
function isAnvilOn(pid: number, chainDir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const environment = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    return args.some((arg) => arg.endsWith("anvil")) && environment.includes(`${CHAIN_DIR_VARIABLE}=${chainDir}`);
  } catch {
    // No /proc (macOS): a live process with that pid is taken as the node.
    return true;
  }
}
