/**
 * `deploy`: the ballot box onto any network, with the same deploy code the embedded chain and the
 * tests use, recorded in `deployments/<network>.json` for the API, the client and the CLI.
 */
import fs from "node:fs";
import path from "node:path";
import { getAddress } from "ethers";
import type { Deployment } from "../../../contracts/protocol";
import { deployVeche } from "../../../node/deploy/deployVeche";
import type { RoleHolders } from "../../../node/deploy/deployVeche";
import { devRoleHolders } from "../../../node/embedded/deploy";
import { chainError, createProvider, deploymentPath, fetchChainId, readDeployment } from "../chain";
import type { CliContext } from "../context";
import { embeddedDevKeys, staffWallet } from "../context";
import { CliError } from "../errors";

export interface DeployOptions {
  admin?: string;
  pollAdmin?: string[];
  rewards?: string[];
  registrar?: string[];
  relayer?: string[];
  force?: boolean;
}

export interface DeployResult extends Deployment {
  file: string;
  roles: RoleHolders & { admin: string[] };
}

function usesDevKeys(ctx: CliContext): boolean {
  return !ctx.keystore && !ctx.io.env.VECHE_STAFF_KEY && embeddedDevKeys(ctx) !== null;
}

export async function deploy(ctx: CliContext, options: DeployOptions): Promise<DeployResult> {
  const file = deploymentPath(ctx);
  const wallet = await staffWallet(ctx, "deployer");
  const chainId = await fetchChainId(ctx.rpcUrl);
  const provider = createProvider(ctx.rpcUrl, chainId);
  try {
    if (fs.existsSync(file) && !options.force) {
      const recorded = readDeployment(ctx);
      if (recorded.chainId === chainId && (await provider.getCode(recorded.ballotBox)) !== "0x") {
        throw new CliError(
          "DEPLOYMENT_EXISTS",
          `${file} already names the ballot box ${recorded.ballotBox} on chain ${chainId}; pass --force to deploy anew`,
        );
      }
    }
    const deployer = wallet.connect(provider);
    const dev = usesDevKeys(ctx) ? embeddedDevKeys(ctx) : null;
    const fallback = dev ? devRoleHolders(dev) : { pollAdmin: [wallet.address], rewards: [wallet.address] };
    const holders: RoleHolders = {
      pollAdmin: options.pollAdmin ?? fallback.pollAdmin,
      rewards: options.rewards ?? fallback.rewards,
      registrar: options.registrar ?? fallback.registrar ?? [],
      relayer: options.relayer ?? fallback.relayer ?? [],
    };
    const admin = getAddress(options.admin ?? wallet.address);
    let deployed;
    try {
      deployed = await deployVeche(deployer, admin, holders);
    } catch (error) {
      throw chainError(error);
    }
    const deployment: Deployment = {
      network: ctx.network,
      chainId,
      ballotBox: deployed.address,
      deployedBlock: deployed.deployedBlock,
      deployer: wallet.address,
      deployedAt: new Date().toISOString(),
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(deployment, null, 2)}\n`);
    fs.renameSync(temporary, file);
    return { ...deployment, file, roles: { admin: [admin], ...holders } };
  } finally {
    provider.destroy();
  }
}
