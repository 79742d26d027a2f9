/**
 * Reading the ballot box with viem through the ABI PROTOCOL.md spells out. The ABI is parsed from the
 * document at run time, so TypeScript cannot know its types: the reads say what they expect.
 */
import { createPublicClient, http, parseEventLogs } from "viem";
import type { Abi, Hex, PublicClient } from "viem";
import { specAbi } from "./stranger";

export const abi: Abi = specAbi();

export interface PollView {
  contentHash: Hex;
  uri: string;
  start: number;
  end: number;
  ballots: number;
  state: number;
}

export interface ChainEvent {
  eventName: string;
  args: Record<string, unknown>;
}

export class BallotBoxReader {
  readonly client: PublicClient;

  constructor(
    rpcUrl: string,
    readonly address: Hex,
  ) {
    this.client = createPublicClient({ transport: http(rpcUrl) });
  }

  read<T>(functionName: string, args: readonly unknown[], blockNumber?: bigint): Promise<T> {
    return this.client.readContract({ address: this.address, abi, functionName, args, blockNumber }) as Promise<T>;
  }

  /** The ballot box's events the specification names, decoded, in chain order. */
  async events(fromBlock: bigint, toBlock?: bigint): Promise<ChainEvent[]> {
    const logs = await this.client.getLogs({ address: this.address, fromBlock, toBlock });
    return parseEventLogs({ abi, logs, strict: true }) as unknown as ChainEvent[];
  }
}
