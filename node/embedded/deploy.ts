/**
 * Deploys the ballot box to the embedded chain once and keeps `deployments/<network>.json` in step:
 * a restart on the same data folder finds the contract where the file says and changes nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { connectBallotBox } from "../../contracts/protocol/contract";
import { parseDeployment } from "../../contracts/protocol/deployment";
import type { Deployment } from "../../contracts/protocol/deployment";
import { deployVeche, grantRoles } from "../deploy/deployVeche";
import type { RoleHolders } from "../deploy/deployVeche";
import type { DevKeys } from "./devKeys";
import { ChainError } from "./errors";

export const DEFAULT_DEPLOYMENTS_DIR = path.resolve(__dirname, "..", "..", "deployments");

export interface EnsureDeployedOptions {
  rpcUrl: string;
  /** Default "localhost". */
  network?: string;
  /** Default `<repo>/deployments`. */
  deploymentsDir?: string;
  keys: DevKeys;
  log?: (message: string) => void;
}

export function deploymentFile(deploymentsDir: string, network: string): string {
  return path.join(deploymentsDir, `${network}.json`);
}

/** Who holds which role on the embedded chain. */
export function devRoleHolders(keys: DevKeys): RoleHolders {
  return {
    pollAdmin: [keys.staff.address],
    rewards: [keys.staff.address],
    registrar: [keys.registrar.address],
    relayer: keys.relayers.map((relayer) => relayer.address),
  };
}

function readDeployment(file: string): Deployment | null {
  if (!fs.existsSync(file)) return null;
  try {
    return parseDeployment(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (error) {
    throw new ChainError("DEPLOYMENT_FILE_INVALID", `${file}: ${(error as Error).message}`);
  }
}

function writeDeployment(file: string, deployment: Deployment): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(deployment, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/**
 * Mines each transaction at once while `action` runs, when the node is anvil with interval mining;
 * deploying and granting a dozen roles one 1-second block at a time would take a dozen seconds.
 * Other nodes run `action` unchanged.
 */
async function withInstantMining<T>(provider: JsonRpcProvider, action: () => Promise<T>): Promise<T> {
  const interval: unknown = await provider.send("anvil_getIntervalMining", []).catch(() => null);
  if (typeof interval !== "number" || interval <= 0) return action();
  await provider.send("evm_setAutomine", [true]);
  try {
    return await action();
  } finally {
    await provider.send("evm_setIntervalMining", [interval]);
  }
}

/** The network's deployment: the recorded one if its code is on this chain, else a new one. */
export async function ensureDeployed(options: EnsureDeployedOptions): Promise<Deployment> {
  const network = options.network ?? "localhost";
  const file = deploymentFile(options.deploymentsDir ?? DEFAULT_DEPLOYMENTS_DIR, network);
  const log = options.log ?? (() => undefined);
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, {
    staticNetwork: true,
    pollingInterval: 200,
    // ethers reuses an identical answer for 250 ms by default: a stale nonce when blocks are instant.
    cacheTimeout: -1,
  });
  try {
    const chainId = Number((await provider.getNetwork()).chainId);
    const deployer = new Wallet(options.keys.deployer.privateKey, provider);
    const holders = devRoleHolders(options.keys);
    const recorded = readDeployment(file);
    if (recorded && recorded.chainId === chainId && (await provider.getCode(recorded.ballotBox)) !== "0x") {
      const granted = await withInstantMining(provider, () =>
        grantRoles(connectBallotBox(recorded.ballotBox, deployer), holders),
      );
      if (granted > 0) log(`granted ${granted} missing roles on ${recorded.ballotBox}`);
      return recorded;
    }
    if (recorded) log(`${file} names ${recorded.ballotBox}, which is not on chain ${chainId}: deploying anew`);
    const deployed = await withInstantMining(provider, () => deployVeche(deployer, deployer.address, holders));
    const deployment: Deployment = {
      network,
      chainId,
      ballotBox: deployed.address,
      deployedBlock: deployed.deployedBlock,
      deployer: deployer.address,
      deployedAt: new Date().toISOString(),
    };
    writeDeployment(file, deployment);
    log(`deployed the ballot box at ${deployment.ballotBox} (block ${deployment.deployedBlock}) to ${file}`);
    return deployment;
  } finally {
    provider.destroy();
  }
}
