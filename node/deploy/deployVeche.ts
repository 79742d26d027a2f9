/**
 * Deploys the Semaphore verifier and the ballot box that checks secret ballots with it, and hands out
 * the ballot box's roles. The same code deploys the embedded chain, a Besu network and the tests'
 * fixture, so tests exercise what production runs.
 */
import type { Signer } from "ethers";
import { BallotBox__factory } from "../../typechain-types/factories/contracts/BallotBox__factory";
import { SemaphoreVerifier__factory } from "../../typechain-types/factories/@semaphore-protocol/contracts/base/SemaphoreVerifier__factory";
import { ROLES } from "../../contracts/protocol/contract";
import type { BallotBox, RoleName } from "../../contracts/protocol/contract";

export type RoleHolders = Partial<Record<Exclude<RoleName, "admin">, string[]>>;

export interface DeployedVeche {
  ballotBox: BallotBox;
  address: string;
  deployedBlock: number;
  /** The Semaphore verifier the ballot box checks membership proofs with. */
  verifier: string;
}

export async function deployVeche(deployer: Signer, admin: string, holders: RoleHolders): Promise<DeployedVeche> {
  const deployerAddress = await deployer.getAddress();
  const verifier = await new SemaphoreVerifier__factory(deployer).deploy();
  await verifier.deploymentTransaction()?.wait();
  const verifierAddress = await verifier.getAddress();
  const contract = await new BallotBox__factory(deployer).deploy(deployerAddress, verifierAddress);
  const receipt = await contract.deploymentTransaction()?.wait();
  if (!receipt) throw new Error("deployment transaction was not mined");
  const ballotBox = contract.connect(deployer);
  await grantRoles(ballotBox, holders);
  if (admin.toLowerCase() !== deployerAddress.toLowerCase()) {
    await grantRoles(ballotBox, { admin: [admin] });
    await (await ballotBox.renounceRole(ROLES.admin, deployerAddress)).wait();
  }
  return {
    ballotBox,
    address: await contract.getAddress(),
    deployedBlock: receipt.blockNumber,
    verifier: verifierAddress,
  };
}

/** Grants each role to each holder that lacks it; returns how many grants were sent. */
export async function grantRoles(ballotBox: BallotBox, holders: RoleHolders & { admin?: string[] }): Promise<number> {
  let granted = 0;
  for (const [name, accounts] of Object.entries(holders) as [RoleName, string[] | undefined][]) {
    for (const account of accounts ?? []) {
      if (await ballotBox.hasRole(ROLES[name], account)) continue;
      await (await ballotBox.grantRole(ROLES[name], account)).wait();
      granted++;
    }
  }
  return granted;
}
