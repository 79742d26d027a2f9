/**
 * The CLI's connection to the chain: the network's deployment file, a provider pinned to its chain
 * id, the ballot box, and transactions whose reverts come back as named, readable errors.
 */
import fs from "node:fs";
import path from "node:path";
import { FetchRequest, JsonRpcProvider, Network } from "ethers";
import type { ContractTransactionResponse, TransactionReceipt, Wallet } from "ethers";
import { connectBallotBox, parseDeployment } from "../../contracts/protocol";
import type { BallotBox, Deployment } from "../../contracts/protocol";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import type { CliContext, KeyRole } from "./context";
import { staffWallet } from "./context";
import { CliError } from "./errors";
import { describeRevert } from "./revert";
import type { RevertContext } from "./revert";

export interface ChainConnection {
  provider: JsonRpcProvider;
  /** Plain JSON-RPC for log scans and raw reads. */
  rpc: NodeRpcClient;
  deployment: Deployment;
  ballotBox: BallotBox;
  close(): void;
}

export interface SigningConnection extends ChainConnection {
  signer: Wallet;
}

export function deploymentPath(ctx: CliContext): string {
  return path.join(ctx.deploymentsDir, `${ctx.network}.json`);
}

export function readDeployment(ctx: CliContext): Deployment {
  const file = deploymentPath(ctx);
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch {
    throw new CliError(
      "DEPLOYMENT_MISSING",
      `no deployment for network "${ctx.network}" at ${file}` +
        (ctx.embedded ? " (npm start deploys the embedded chain)" : " (run veche deploy first)"),
    );
  }
  try {
    return parseDeployment(JSON.parse(raw));
  } catch (error) {
    throw new CliError("DEPLOYMENT_INVALID", `${file}: ${(error as Error).message}`);
  }
}

export function createProvider(rpcUrl: string, chainId: number): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  request.timeout = 30_000;
  // A pinned network: ethers neither asks for the chain id before each call nor retries forever.
  return new JsonRpcProvider(request, Network.from(chainId), {
    staticNetwork: true,
    pollingInterval: 250,
    cacheTimeout: -1,
  });
}

/** The chain id the node at `rpcUrl` answers, or CHAIN_UNAVAILABLE. */
export async function fetchChainId(rpcUrl: string): Promise<number> {
  const rpc = new NodeRpcClient(rpcUrl, 10_000);
  try {
    return Number(BigInt(await rpc.call<string>("eth_chainId", [])));
  } catch (error) {
    throw new CliError("CHAIN_UNAVAILABLE", `cannot reach the chain at ${rpcUrl}: ${describeCause(error)}`);
  } finally {
    rpc.close();
  }
}

export async function connectChain(ctx: CliContext): Promise<ChainConnection> {
  const deployment = readDeployment(ctx);
  const chainId = await fetchChainId(ctx.rpcUrl);
  if (chainId !== deployment.chainId) {
    throw new CliError(
      "CHAIN_MISMATCH",
      `${deploymentPath(ctx)} is for chain ${deployment.chainId}, but ${ctx.rpcUrl} is chain ${chainId}`,
    );
  }
  const provider = createProvider(ctx.rpcUrl, chainId);
  const rpc = new NodeRpcClient(ctx.rpcUrl, 30_000);
  if ((await provider.getCode(deployment.ballotBox)) === "0x") {
    provider.destroy();
    rpc.close();
    throw new CliError(
      "CHAIN_MISMATCH",
      `no ballot box at ${deployment.ballotBox} on ${ctx.rpcUrl}: ${deploymentPath(ctx)} is stale`,
    );
  }
  return {
    provider,
    rpc,
    deployment,
    ballotBox: connectBallotBox(deployment.ballotBox, provider),
    close: () => {
      provider.destroy();
      rpc.close();
    },
  };
}

export async function connectSigner(ctx: CliContext, role: KeyRole = "staff"): Promise<SigningConnection> {
  // The key first: a missing key is reported before any network round trip.
  const wallet = await staffWallet(ctx, role);
  const chain = await connectChain(ctx);
  const signer = wallet.connect(chain.provider);
  return { ...chain, signer, ballotBox: connectBallotBox(chain.deployment.ballotBox, signer) };
}

/** Runs `action` with a connection and always closes it. */
export async function withChain<C extends ChainConnection, T>(
  open: Promise<C>,
  action: (chain: C) => Promise<T>,
): Promise<T> {
  const chain = await open;
  try {
    return await action(chain);
  } finally {
    chain.close();
  }
}

/** Sends a transaction and waits for it; a revert becomes a CliError named after the contract's error. */
export async function sendTransaction(
  send: () => Promise<ContractTransactionResponse>,
  context: RevertContext,
): Promise<TransactionReceipt> {
  try {
    const tx = await send();
    const receipt = await tx.wait();
    if (!receipt) throw new CliError("TRANSACTION_DROPPED", `transaction ${tx.hash} was dropped`);
    return receipt;
  } catch (error) {
    throw chainError(error, context);
  }
}

/** A CliError for a failed chain call: the decoded revert, an unreachable node, or the raw cause. */
export function chainError(error: unknown, context: RevertContext = {}): CliError {
  if (error instanceof CliError) return error;
  const revert = describeRevert(error, context);
  if (revert) return revert;
  const cause = describeCause(error);
  if (/ECONNREFUSED|ENOTFOUND|fetch failed|timeout|NETWORK_ERROR/i.test(cause)) {
    return new CliError("CHAIN_UNAVAILABLE", `the chain stopped answering: ${cause}`);
  }
  return new CliError("CHAIN_ERROR", cause);
}

export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const record = error as Error & { shortMessage?: string; cause?: unknown };
  const own = record.shortMessage ?? record.message;
  return record.cause instanceof Error ? `${own} (${record.cause.message})` : own;
}
