/**
 * The embedded development chain: one anvil node with 1-second blocks, sooner under load (anvil's
 * automine stalls with ~1,000 transactions in flight), mined by the launcher (miner.ts), a high block gas limit, its state kept in
 * `<dataDir>/chain/state.json` and its history in `<dataDir>/chain/archive.sqlite`, so votes survive a
 * restart and a long voting day does not grow the node's memory.
 *
 * anvil holds every transaction and receipt in memory and rewrites its whole state file at each dump,
 * so over a long day its memory and dump time grow with the chain. Here anvil keeps only its latest
 * `keptBlocks` blocks' transactions (`--transaction-block-keeper`) and `stateBlocks` blocks' states
 * (`--prune-history`); an archive copies every block,
 * transaction, receipt and log to SQLite as it is mined, and the JSON-RPC endpoint clients use is a
 * front that answers older history from the archive and passes everything else to anvil.
 *
 * What a restart brings back, measured with anvil 1.7.1 (test/node/embedded):
 * - after a clean stop (a last state dump, then SIGTERM): blocks, transactions, receipts, contract
 *   code and storage, `eth_getLogs`, account nonces, and the height continues. Transactions still
 *   pending at the stop are lost (the API's outbox re-sends them).
 * - after SIGKILL: everything up to the last dump (`stateIntervalSeconds`); the blocks mined after it
 *   are mined again from the archive's copy before mining resumes (archive/replay.ts), so only what
 *   was mined in the last moment, before the archive copied it, is lost (ballots among it are re-sent
 *   by the API's outbox).
 * - never: state at blocks before the reload, or older than `stateBlocks` (eth_call there fails); read
 *   `latest`.
 * - dumps are written atomically (stateDumps.ts); a state file damaged otherwise falls back to the
 *   previous dump, kept as the last good copy.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { anvilBinaryPath } from "./anvilBinary";
import { DEV_ACCOUNT_COUNT, loadDevKeys } from "./devKeys";
import type { DevKeys } from "./devKeys";
import { ChainError } from "./errors";
import { assertPortFree, pickFreePort } from "./ports";
import { prepareStateFile } from "./stateFile";
import { StateDumper } from "./stateDumps";
import { CHAIN_DIR_VARIABLE, assertDataDirFree, waitForRpc, waitForExit } from "./process";
import type { ExitStatus } from "./process";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import { ArchiveStore } from "./archive/store";
import { ArchiveCopier } from "./archive/copier";
import { ArchiveFront } from "./archive/front";
import { SentTransactions } from "./archive/sentTransactions";
import { replayLostBlocks } from "./archive/replay";
import { BlockMiner } from "./miner";

export const DEFAULT_CHAIN_PORT = 8545;
export const DEFAULT_CHAIN_ID = 31337;
export const DEFAULT_GAS_LIMIT = 300_000_000n;
/** Blocks with transactions anvil keeps whole in memory; older ones are served from the archive. */
export const DEFAULT_KEPT_BLOCKS = 32;
/** Seconds between anvil's state dumps: what a SIGKILL can cost, re-sent by the API's outbox. */
export const DEFAULT_STATE_INTERVAL = 5;
/** With no transaction mined, the state is dumped this often at most: a crash then replays a minute of empty blocks. */
const IDLE_DUMP_MS = 60_000;
/**
 * Blocks whose state anvil keeps (eth_call at an older block fails): about four minutes, longer than
 * any read that pins a block (a receipt check, an audit's reads at its snapshot) takes.
 */
export const DEFAULT_STATE_BLOCKS = 256;

export interface EmbeddedChainOptions {
  dataDir: string;
  /** Default 8545; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 1. */
  blockTimeSeconds?: number;
  /** Default 300M: a 1-second block at 30M holds only ~528 ballots. */
  gasLimit?: bigint;
  /** Default 31337. */
  chainId?: number;
  /** Default `<dataDir>/chain/anvil.log`; the previous run's log is kept as `<logFile>.1`. */
  logFile?: string;
  /**
   * Also log every request and transaction (~280 bytes per relayed ballot, ~1.5 GB an hour at
   * 1,500 ballots/s) and the dev accounts' private keys. Default false: errors only.
   */
  verboseNodeLog?: boolean;
  /** Blocks with transactions anvil keeps whole; default 32. */
  keptBlocks?: number;
  /** Blocks whose state anvil keeps, for reads at a past block; default 256. */
  stateBlocks?: number;
  /** Seconds between anvil's state dumps; default 5. */
  stateIntervalSeconds?: number;
  /** How long to wait for JSON-RPC to answer; default 30 s. */
  startTimeoutMs?: number;
  /** How long `stop()` waits for anvil to exit after the final dump; default 10 s. */
  stopTimeoutMs?: number;
  /** More anvil flags, appended to the embedded ones (experiments with the node's own options). */
  extraNodeArgs?: readonly string[];
}

export interface EmbeddedChain {
  /** The public JSON-RPC endpoint (the archive's front on anvil). */
  rpcUrl: string;
  port: number;
  /** anvil's own endpoint, for tests that look behind the front. */
  nodeUrl: string;
  chainId: number;
  stateFile: string;
  lastGoodFile: string;
  logFile: string;
  keys: DevKeys;
  /** True when this start replaced a cut-off state file with the last good copy. */
  restoredFromLastGood: boolean;
  /** Settles when anvil exits, for whatever reason. */
  exited: Promise<ExitStatus>;
  /** Clean stop: SIGTERM, wait for anvil's final state dump, then refresh the last good copy. */
  stop(): Promise<void>;
  /** SIGKILL, no final dump: for fault tests. */
  kill(): Promise<void>;
}

function positiveInteger(name: string, value: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ChainError(
      "CHAIN_CONFIG_INVALID",
      `${name} must be a ${allowZero ? "non-negative" : "positive"} integer`,
    );
  }
  return value;
}

export async function startEmbeddedChain(options: EmbeddedChainOptions): Promise<EmbeddedChain> {
  const host = options.host ?? "127.0.0.1";
  const requestedPort = positiveInteger("port", options.port ?? DEFAULT_CHAIN_PORT, true);
  if (requestedPort > 65535) throw new ChainError("CHAIN_CONFIG_INVALID", "port must be at most 65535");
  const chainId = positiveInteger("chainId", options.chainId ?? DEFAULT_CHAIN_ID);
  const blockTime = positiveInteger("blockTimeSeconds", options.blockTimeSeconds ?? 1);
  const gasLimit = options.gasLimit ?? DEFAULT_GAS_LIMIT;
  if (gasLimit <= 0n) throw new ChainError("CHAIN_CONFIG_INVALID", "gasLimit must be positive");
  const keptBlocks = positiveInteger("keptBlocks", options.keptBlocks ?? DEFAULT_KEPT_BLOCKS);
  const stateBlocks = positiveInteger("stateBlocks", options.stateBlocks ?? DEFAULT_STATE_BLOCKS);
  const stateInterval = positiveInteger("stateIntervalSeconds", options.stateIntervalSeconds ?? DEFAULT_STATE_INTERVAL);

  const chainDir = path.join(options.dataDir, "chain");
  const pidFile = path.join(chainDir, "anvil.pid");
  const stateFile = path.join(chainDir, "state.json");
  // First, so a node left running by a killed parent is named rather than reported as a taken port.
  assertDataDirFree(pidFile, chainDir);
  if (requestedPort !== 0) await assertPortFree(requestedPort, host);
  const port = requestedPort === 0 ? await pickFreePort(host) : requestedPort;
  // anvil itself listens on a private port; clients talk to the front on `port`.
  const nodePort = await pickFreePort("127.0.0.1");
  fs.mkdirSync(chainDir, { recursive: true, mode: 0o700 });
  const lastGoodFile = path.join(chainDir, "state.last-good.json");
  const logFile = options.logFile ?? path.join(chainDir, "anvil.log");
  const keys = loadDevKeys(options.dataDir);
  const binary = anvilBinaryPath();

  if (fs.existsSync(logFile)) fs.renameSync(logFile, `${logFile}.1`);
  // A verbose anvil prints the dev accounts' private keys at start: the log is for this user only.
  const logFd = fs.openSync(logFile, "a", 0o600);
  const log = (message: string): void => {
    fs.writeSync(logFd, `[veche ${new Date().toISOString()}] ${message}\n`);
  };

  const outcome = await prepareStateFile(stateFile, lastGoodFile, log);
  if (typeof outcome === "object") {
    fs.closeSync(logFd);
    throw new ChainError(
      "CHAIN_STATE_CORRUPT",
      `${outcome.corrupt} is cut off and there is no good copy to restore; move it away to start an empty chain`,
    );
  }

  const args = [
    ["--host", "127.0.0.1"],
    ["--port", String(nodePort)],
    ["--chain-id", String(chainId)],
    // Mining starts once lost blocks are mined again (archive/replay.ts), at `blockTime` then.
    ["--no-mining"],
    ["--gas-limit", gasLimit.toString()],
    ["--mnemonic", keys.mnemonic],
    ["--accounts", String(DEV_ACCOUNT_COUNT)],
    outcome === "new" ? [] : ["--load-state", stateFile],
    ["--transaction-block-keeper", String(keptBlocks)],
    // Only the latest blocks' states in memory; anvil keeps to this while it is mined from outside (miner.ts).
    ["--prune-history", String(stateBlocks)],
    options.verboseNodeLog ? [] : ["--quiet"],
    [...(options.extraNodeArgs ?? [])],
  ].flat();
  log(`starting ${binary} on 127.0.0.1:${nodePort} (front on ${host}:${port}), chain id ${chainId}, state ${outcome}`);
  // Own process group: a Ctrl-C in the terminal reaches only us, and we stop anvil in order.
  const child: ChildProcess = spawn(binary, args, {
    stdio: ["ignore", logFd, logFd],
    detached: true,
    env: { ...process.env, [CHAIN_DIR_VARIABLE]: chainDir },
  });
  const exited = waitForExit(child);
  const pid = child.pid;
  if (pid !== undefined) fs.writeFileSync(pidFile, String(pid));
  // If our process ends without stop(), anvil ends too, as after a kill: the last dump stands.
  const onProcessExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.on("exit", onProcessExit);

  const rpcUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const nodeUrl = `http://127.0.0.1:${nodePort}`;
  const node = new NodeRpcClient(nodeUrl);
  const miner = new BlockMiner(node, log);
  const archive = new ArchiveStore(path.join(chainDir, "archive.sqlite"));
  const sent = new SentTransactions();
  const copier = new ArchiveCopier(
    node,
    archive,
    miner,
    sent,
    { intervalMs: 200, batch: 20, holdMiningAt: Math.floor(keptBlocks / 2) },
    log,
  );
  const front = new ArchiveFront(node, archive, miner, sent, {
    recentBlocks: Math.floor(keptBlocks / 2),
    nodeHead: () => copier.head,
  });
  let frontOpen = false;
  const dumper = new StateDumper(node, stateFile, lastGoodFile, stateInterval * 1000, log, {
    count: () => copier.transactions,
    idleMs: IDLE_DUMP_MS,
  });

  let finished: Promise<void> | undefined;
  const finish = (signal: "SIGTERM" | "SIGKILL"): Promise<void> => {
    finished ??= (async () => {
      // No new blocks from here: the last dump and the archive end at the same head.
      await miner.stop();
      await dumper.stop();
      if (frontOpen) await front.close();
      // A clean stop copies the last blocks and saves the state; a kill leaves both as they are.
      if (signal === "SIGTERM" && child.exitCode === null) {
        await copier.catchUp().catch(() => undefined);
        await dumper.dump().catch((err: unknown) => log(`final state dump failed: ${String(err)}`));
      }
      await copier.stop();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
      const timeout = new Promise<"timeout">((resolve) => setTimeout(resolve, stopTimeoutMs, "timeout").unref());
      const status = await Promise.race([exited, timeout]);
      if (status === "timeout") {
        child.kill("SIGKILL");
        await exited;
      }
      process.off("exit", onProcessExit);
      log(`anvil exited (${status === "timeout" ? "killed after stop timeout" : JSON.stringify(status)})`);
      fs.rmSync(pidFile, { force: true });
      node.close();
      archive.close();
      fs.closeSync(logFd);
      if (status === "timeout") {
        throw new ChainError("CHAIN_STOP_TIMEOUT", `anvil did not stop in ${stopTimeoutMs} ms`);
      }
    })();
    return finished;
  };

  try {
    const answeredChainId = await waitForRpc(nodeUrl, exited, options.startTimeoutMs ?? 30_000, logFile);
    if (answeredChainId !== chainId) {
      throw new ChainError("CHAIN_START_FAILED", `node at ${nodeUrl} answered chain id ${answeredChainId}`);
    }
    // What a crash cost the node, mined again from the archive before anything new.
    await replayLostBlocks(node, archive, log);
    // A dump before mining starts: a crash from here on always has a state the archive can extend.
    await dumper.dump();
    miner.setInterval(blockTime);
    // History first: the front answers old blocks from the archive, which must match the node's chain.
    await copier.catchUp().catch(() => copier.catchUp());
    copier.start();
    dumper.start();
    await front.listen(host, port);
    frontOpen = true;
  } catch (error) {
    await finish("SIGKILL").catch(() => undefined);
    throw error;
  }

  return {
    rpcUrl,
    port,
    nodeUrl,
    chainId,
    stateFile,
    lastGoodFile,
    logFile,
    keys,
    restoredFromLastGood: outcome === "restored",
    exited,
    stop: () => finish("SIGTERM"),
    kill: () => finish("SIGKILL"),
  };
}
