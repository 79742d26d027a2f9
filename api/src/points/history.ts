/**
 * A resident's points history: the polls whose first counted ballot earned points (from the index of
 * counted ballots) and the redemptions (PointsRedeemed events read from the chain), each with its
 * voucher code. Staff look a voucher up the same way.
 */
import { toBeHex, zeroPadValue } from "ethers";
import { ballotBoxInterface, decodePollContent } from "../../../contracts/protocol";
import type { LocalizedText } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import { notFound } from "../errors";
import type { ChainState } from "../indexer/chainState";
import { readChain } from "../keys/transactions";
import { normalizeVoucher, voucherCode } from "./vouchers";

export interface EarnedEntry {
  pollId: number;
  title: LocalizedText | null;
  points: number;
  end: string;
}

export interface Redemption {
  rewardId: number;
  resident: number;
  cost: number;
  txHash: string;
  block: number;
  time: string | null;
  voucher: string;
}

const REDEEMED = ballotBoxInterface.getEvent("PointsRedeemed")!.topicHash;

interface RawLog {
  topics: string[];
  data: string;
  blockNumber: string;
  transactionHash: string;
  logIndex: string;
}

export class PointsHistory {
  constructor(
    private readonly chain: Chain,
    private readonly state: ChainState,
    private readonly pepper: () => string,
  ) {}

  /** Polls the resident earned points in, newest first: a counted ballot earns the poll's points once. */
  earned(resident: number): EarnedEntry[] {
    return this.state
      .allPolls()
      .filter((p) => p.points > 0 && this.state.lastRevision(p.pollId, resident) > 0)
      .sort((a, b) => b.pollId - a.pollId)
      .map((p) => ({
        pollId: p.pollId,
        title: decodePollContent(p.uri, p.contentHash)?.title ?? null,
        points: p.points,
        end: new Date(p.end * 1000).toISOString(),
      }));
  }

  /** The resident's redemptions, newest first; all residents' when `resident` is null. */
  async redemptions(resident: number | null): Promise<Redemption[]> {
    const topics = [REDEEMED, resident === null ? null : zeroPadValue(toBeHex(resident), 32)];
    const logs = await readChain(() =>
      this.chain.rpc.call<RawLog[]>("eth_getLogs", [
        {
          address: this.chain.deployment.ballotBox,
          fromBlock: toBeHex(this.chain.deployment.deployedBlock),
          toBlock: "latest",
          topics,
        },
      ]),
    );
    const blocks = [...new Set(logs.map((l) => Number(l.blockNumber)))];
    const times = new Map<number, number>();
    await Promise.all(
      blocks.map(async (n) => {
        const block = await readChain(() => this.chain.provider.getBlock(n));
        if (block) times.set(n, block.timestamp);
      }),
    );
    const pepper = this.pepper();
    return logs
      .map((log) => {
        const parsed = ballotBoxInterface.parseLog(log);
        const block = Number(log.blockNumber);
        const time = times.get(block);
        return {
          rewardId: Number(parsed?.args[1] ?? 0),
          resident: Number(parsed?.args[0] ?? 0),
          cost: Number(parsed?.args[2] ?? 0),
          txHash: log.transactionHash,
          block,
          time: time === undefined ? null : new Date(time * 1000).toISOString(),
          voucher: voucherCode(pepper, log.transactionHash, Number(log.logIndex)),
        };
      })
      .reverse();
  }

  /** The redemption a voucher code belongs to, for staff handing out the reward. */
  async voucher(code: string): Promise<Redemption> {
    const wanted = normalizeVoucher(code);
    const found = (await this.redemptions(null)).find((r) => r.voucher === wanted);
    if (!found) throw notFound("VOUCHER_NOT_FOUND", "no redemption has this voucher code");
    return found;
  }
}
