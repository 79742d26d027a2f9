/**
 * Where a network's contracts are: `deployments/<network>.json`, read by the API, the client and the
 * scripts. This module only describes and checks the file; reading it is up to the caller.
 */
import { getAddress } from "ethers";

export interface Deployment {
  network: string;
  chainId: number;
  ballotBox: string;
  /** Block of the deployment transaction: where event scans start. */
  deployedBlock: number;
  deployer: string;
  deployedAt: string;
}

export function parseDeployment(json: unknown): Deployment {
  const d = json as Partial<Record<keyof Deployment, unknown>>;
  const fail = (field: string): never => {
    throw new Error(`deployment file: missing or invalid "${field}"`);
  };
  if (typeof d !== "object" || d === null) fail("(root)");
  if (typeof d.network !== "string" || d.network === "") fail("network");
  if (typeof d.chainId !== "number" || !Number.isInteger(d.chainId)) fail("chainId");
  if (typeof d.ballotBox !== "string") fail("ballotBox");
  if (typeof d.deployedBlock !== "number" || !Number.isInteger(d.deployedBlock)) fail("deployedBlock");
  if (typeof d.deployer !== "string") fail("deployer");
  return {
    network: d.network as string,
    chainId: d.chainId as number,
    ballotBox: getAddress(d.ballotBox as string),
    deployedBlock: d.deployedBlock as number,
    deployer: getAddress(d.deployer as string),
    deployedAt: typeof d.deployedAt === "string" ? d.deployedAt : "",
  };
}
