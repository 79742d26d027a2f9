/**
 * The chain half of `npm start`, also runnable alone: `npx ts-node node/embedded/start.ts`.
 * Starts the embedded chain on `CHAIN_PORT` (8545) with its data in `VECHE_DATA_DIR` (`.veche/`),
 * makes sure the ballot box is deployed, and stops cleanly on Ctrl-C or SIGTERM.
 */
import path from "node:path";
import type { Deployment } from "../../contracts/protocol/deployment";
import { DEFAULT_CHAIN_PORT, startEmbeddedChain } from "./chain";
import type { EmbeddedChain } from "./chain";
import { DEFAULT_DEPLOYMENTS_DIR, deploymentFile, ensureDeployed } from "./deploy";
import { ChainError } from "./errors";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const NETWORK = "localhost";

export interface ChainAndDeployment {
  chain: EmbeddedChain;
  deployment: Deployment;
  deploymentFile: string;
  dataDir: string;
}

function chainPort(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_CHAIN_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new ChainError("CHAIN_CONFIG_INVALID", `CHAIN_PORT must be a port number (0-65535), got "${value}"`);
  }
  return port;
}

/** Starts the chain and deploys to it; on a failed deploy the chain is stopped again. */
export async function startChainAndDeploy(
  env: NodeJS.ProcessEnv = process.env,
  options: { log?: (message: string) => void; deploymentsDir?: string } = {},
): Promise<ChainAndDeployment> {
  const log = options.log ?? (() => undefined);
  const deploymentsDir = options.deploymentsDir ?? DEFAULT_DEPLOYMENTS_DIR;
  const dataDir = path.resolve(env.VECHE_DATA_DIR || path.join(REPO_ROOT, ".veche"));
  const chain = await startEmbeddedChain({ dataDir, port: chainPort(env.CHAIN_PORT) });
  if (chain.restoredFromLastGood) log(`the state file was cut off; restored the last good copy (see ${chain.logFile})`);
  try {
    const deployment = await ensureDeployed({
      rpcUrl: chain.rpcUrl,
      network: NETWORK,
      deploymentsDir,
      keys: chain.keys,
      log,
    });
    return { chain, deployment, deploymentFile: deploymentFile(deploymentsDir, NETWORK), dataDir };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}

async function main(): Promise<void> {
  const say = (message: string): void => console.log(`[chain] ${message}`);
  const starting = startChainAndDeploy(process.env, { log: say });
  let stopping = false;
  // Registered before the node is up: a Ctrl-C during start still stops anvil in order.
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    say("stopping: waiting for the chain to save its state");
    starting
      .then(({ chain }) => chain.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const { chain, deployment, deploymentFile: file } = await starting;
  if (stopping) return;
  say(`JSON-RPC ${chain.rpcUrl} (chain id ${chain.chainId})`);
  say(`ballot box ${deployment.ballotBox}, recorded in ${file}`);
  say(`data in ${path.dirname(chain.stateFile)}, node log ${chain.logFile}; Ctrl-C stops`);
  const status = await chain.exited;
  if (!stopping) {
    console.error(`[chain] anvil exited on its own (${JSON.stringify(status)}); see ${chain.logFile}`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const code = error instanceof ChainError ? `${error.code}: ` : "";
    console.error(`[chain] ${code}${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
