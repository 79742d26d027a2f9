/**
 * A resident's points history: the polls whose first counted ballot earned points and the
 * redemptions (PointsRedeemed events), both from the index of the chain, each redemption with its
 * voucher code. Staff look a voucher up the same way.
 */
import { decodePollContent } from "../../../contracts/protocol";
import type { LocalizedText } from "../../../contracts/protocol";
import { notFound } from "../errors";
import type { ChainState } from "../indexer/chainState";
import type { IndexerStore } from "../indexer/store";
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

export class PointsHistory {
  constructor(
    private readonly store: IndexerStore,
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

  /** The resident's redemptions, newest first (everyone's when `resident` is null), as indexed. */
  async redemptions(resident: number | null): Promise<Redemption[]> {
    const pepper = this.pepper();
    return (await this.store.redemptions(resident)).map((r) => ({
      rewardId: r.rewardId,
      resident: r.resident,
      cost: r.cost,
      txHash: r.txHash,
      block: r.block,
      time: r.time === null ? null : new Date(r.time * 1000).toISOString(),
      voucher: voucherCode(pepper, r.txHash, r.logIndex),
    }));
  }

  /** The redemption a voucher code belongs to, for staff handing out the reward. */
  async voucher(code: string): Promise<Redemption> {
    const wanted = normalizeVoucher(code);
    const found = (await this.redemptions(null)).find((r) => r.voucher === wanted);
    if (!found) throw notFound("VOUCHER_NOT_FOUND", "no redemption has this voucher code");
    return found;
  }
}
