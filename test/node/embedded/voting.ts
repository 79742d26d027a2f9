/**
 * A small real vote on a running embedded chain, through the protocol module and the dev keys, and a
 * snapshot of everything a restart must bring back.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider, NonceManager, Wallet, id as hashText } from "ethers";
import type { Log } from "ethers";
import {
  BALLOT_TYPES,
  ballotDomain,
  ballotMessage,
  buildBallotTree,
  ballotLeaf,
  connectBallotBox,
  encodeChoices,
  decodeBallotCast,
  EVENT_TOPICS,
  PollCount,
  totalOptions,
  treeRoot,
} from "../../../contracts/protocol";
import type { Deployment, Question } from "../../../contracts/protocol";
import type { EmbeddedChain } from "../../../node/embedded/chain";

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "veche-embedded-"));
}

export function rpcProvider(chain: Pick<EmbeddedChain, "rpcUrl">): JsonRpcProvider {
  return new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 200, cacheTimeout: -1 });
}

const QUESTIONS: Question[] = [{ options: 3, maxChoices: 1 }];

export interface VoteResult {
  pollId: bigint;
  ballotTxHashes: string[];
  /** Highest block holding one of the ballots. */
  lastBallotBlock: number;
}

/** Staff create a poll, the registrar enrols `voters` keys, a relayer carries one ballot each. */
export async function runVote(
  chain: EmbeddedChain,
  deployment: Deployment,
  voters: number,
  relayerIndex = 0,
): Promise<VoteResult> {
  const provider = rpcProvider(chain);
  try {
    const relayerKey = chain.keys.relayers[relayerIndex];
    if (!relayerKey) throw new Error(`no relayer ${relayerIndex}`);
    const signer = (privateKey: string) => new NonceManager(new Wallet(privateKey, provider));
    const staff = connectBallotBox(deployment.ballotBox, signer(chain.keys.staff.privateKey));
    const registrar = connectBallotBox(deployment.ballotBox, signer(chain.keys.registrar.privateKey));
    const relayer = connectBallotBox(deployment.ballotBox, signer(relayerKey.privateKey));

    const now = (await provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
    const pollId = (await staff.pollCount()) + 1n;
    await (
      await staff.createPoll({
        contentHash: hashText("Rename Tverskaya street?"),
        uri: "ipfs://poll",
        start: now,
        end: now + 24 * 3600,
        questions: QUESTIONS,
        districts: [],
        revote: false,
        points: 10,
      })
    ).wait();

    const keys = Array.from({ length: voters }, () => Wallet.createRandom());
    // Sent back to back with managed nonces, then awaited together: one block instead of one each.
    const enrolments = [];
    for (const key of keys) enrolments.push(await registrar.enrol(hashText(`resident ${key.address}`), key.address, 1));
    await Promise.all(enrolments.map((tx) => tx.wait()));

    const domain = ballotDomain(chain.chainId, deployment.ballotBox);
    const ballots = [];
    for (const [i, key] of keys.entries()) {
      const ballot = { pollId, choices: encodeChoices(QUESTIONS, [[i % 3]]), revision: 1n };
      const signature = await key.signTypedData(domain, BALLOT_TYPES, ballotMessage(ballot));
      ballots.push(await relayer.castBallot(pollId, ballot.choices, ballot.revision, signature));
    }
    const receipts = await Promise.all(ballots.map((tx) => tx.wait()));
    const blocks = receipts.map((receipt) => {
      if (!receipt || receipt.status !== 1) throw new Error("ballot transaction failed");
      return receipt.blockNumber;
    });
    return { pollId, ballotTxHashes: ballots.map((tx) => tx.hash), lastBallotBlock: Math.max(...blocks) };
  } finally {
    provider.destroy();
  }
}

/** State is read at the latest block: anvil keeps no state of blocks before a reload. */
export interface ChainSnapshot {
  blockNumber: number;
  code: string;
  logs: Pick<Log, "transactionHash" | "blockNumber" | "blockHash" | "index" | "data">[];
  tallies: bigint[];
  ballotRoot: string;
  /** Tallies and root rebuilt from the logs alone, as an observer would. */
  recount: { tallies: bigint[]; root: string };
  nonces: Record<string, number>;
}

export async function snapshot(chain: EmbeddedChain, deployment: Deployment, pollId: bigint): Promise<ChainSnapshot> {
  const provider = rpcProvider(chain);
  try {
    const box = connectBallotBox(deployment.ballotBox, provider);
    const blockNumber = await provider.getBlockNumber();
    const logs = await provider.getLogs({
      address: deployment.ballotBox,
      topics: [EVENT_TOPICS.BallotCast],
      fromBlock: deployment.deployedBlock,
      toBlock: "latest",
    });
    const count = new PollCount(totalOptions(QUESTIONS));
    const leaves: string[] = [];
    for (const log of logs) {
      const cast = decodeBallotCast(log);
      count.add(cast);
      leaves.push(ballotLeaf({ ...cast, pollId: cast.pollId }));
    }
    const nonces: Record<string, number> = {};
    for (const key of [chain.keys.deployer, chain.keys.staff, chain.keys.registrar, ...chain.keys.relayers]) {
      nonces[key.name] = await provider.getTransactionCount(key.address);
    }
    return {
      blockNumber,
      code: await provider.getCode(deployment.ballotBox),
      logs: logs.map(({ transactionHash, blockNumber: n, blockHash, index, data }) => ({
        transactionHash,
        blockNumber: n,
        blockHash,
        index,
        data,
      })),
      tallies: await box.tallies(pollId),
      ballotRoot: await box.ballotRoot(pollId),
      recount: { tallies: count.tallies(), root: treeRoot(buildBallotTree(leaves)) },
      nonces,
    };
  } finally {
    provider.destroy();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
