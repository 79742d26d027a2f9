/**
 * The API's view of the chain: a JSON-RPC provider, the deployed ballot box read from the deployment
 * file, and the signing accounts it was configured with.
 */
import fs from "node:fs";
import path from "node:path";
import { FetchRequest, JsonRpcProvider, Network, Wallet } from "ethers";
import { ballotDomain, connectBallotBox, parseDeployment } from "../../../contracts/protocol";
import type { BallotBox, Deployment } from "../../../contracts/protocol";
import type { TypedDataDomain } from "ethers";
import type { Config } from "../config";
import { NodeRpcClient } from "../../../contracts/protocol/node/rpc";

export interface Chain {
  provider: JsonRpcProvider;
  /** Lean client for the hot paths. */
  rpc: NodeRpcClient;
  deployment: Deployment;
  ballotBox: BallotBox;
  domain: TypedDataDomain;
  chainId: bigint;
  relayers: Wallet[];
  registrar: Wallet | null;
  rewards: Wallet | null;
}

export function readDeploymentFile(deploymentsDir: string, network: string): Deployment {
  const file = path.join(deploymentsDir, `${network}.json`);
  if (!fs.existsSync(file)) throw new Error(`no deployment for network "${network}" at ${file}`);
  return parseDeployment(JSON.parse(fs.readFileSync(file, "utf8")));
}

export function createProvider(rpcUrl: string, chainId: number): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  request.timeout = 15_000;
  // A fixed network: no chain-id round trip before every call, and no retry storm when the node is down.
  return new JsonRpcProvider(request, Network.from(chainId), {
    staticNetwork: true,
    batchMaxCount: 100,
    pollingInterval: 250,
  });
}

export function connectChain(config: Config): Chain {
  const deployment = readDeploymentFile(config.deploymentsDir, config.network);
  const provider = createProvider(config.rpcUrl, deployment.chainId);
  const wallet = (key: string) => new Wallet(key, provider);
  return {
    provider,
    rpc: new NodeRpcClient(config.rpcUrl),
    deployment,
    ballotBox: connectBallotBox(deployment.ballotBox, provider),
    domain: ballotDomain(deployment.chainId, deployment.ballotBox),
    chainId: BigInt(deployment.chainId),
    relayers: config.relayerKeys.map(wallet),
    registrar: config.registrarKey ? wallet(config.registrarKey) : null,
    rewards: config.rewardsKey ? wallet(config.rewardsKey) : null,
  };
}
