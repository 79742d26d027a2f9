/** `rewards add`, `rewards update` and `rewards list`: what residents can spend points on. */
import {
  ballotBoxInterface,
  decodeRewardContent,
  encodeRewardContent,
  isRewardImage,
} from "../../../contracts/protocol";
import type { RewardContent } from "../../../contracts/protocol";
import { chainError, connectChain, connectSigner, sendTransaction, withChain } from "../chain";
import type { CliContext } from "../context";
import { CliError } from "../errors";

export interface RewardInput {
  cost: number;
  stock: number;
  title: string;
  titleRu?: string;
  description?: string;
  descriptionRu?: string;
  /** An https: URL (or a data:image/… URI) of a picture of the reward. */
  image?: string;
}

export interface RewardInfo {
  rewardId: number;
  cost: number;
  stock: number;
  active: boolean;
  title: string | null;
  content: RewardContent | null;
  uri: string;
}

export interface RewardTransaction {
  rewardId: number;
  txHash: string;
  block: number;
}

export function rewardContent(input: RewardInput): RewardContent {
  const title = input.title.trim();
  if (title === "" || title.length > 200) throw new CliError("USAGE", "--title must be 1 to 200 characters", 2);
  const description = input.description?.trim();
  const image = input.image?.trim();
  if (image !== undefined && !isRewardImage(image)) {
    throw new CliError("USAGE", "--image must be an https:// URL or a data:image/(png|jpeg|webp|gif);base64 URI", 2);
  }
  return {
    title: { en: title, ru: input.titleRu?.trim() || title },
    ...(description ? { description: { en: description, ru: input.descriptionRu?.trim() || description } } : {}),
    ...(image ? { image } : {}),
  };
}

export function addReward(ctx: CliContext, input: RewardInput): Promise<RewardTransaction & { uri: string }> {
  const uri = encodeRewardContent(rewardContent(input));
  return withChain(connectSigner(ctx), async (chain) => {
    const receipt = await sendTransaction(() => chain.ballotBox.listReward(input.cost, input.stock, uri), {});
    const listed = receipt.logs
      .map((log) => ballotBoxInterface.parseLog(log))
      .find((parsed) => parsed?.name === "RewardListed");
    if (!listed) throw new CliError("CHAIN_ERROR", `transaction ${receipt.hash} listed no reward`);
    return { rewardId: Number(listed.args[0] as bigint), txHash: receipt.hash, block: receipt.blockNumber, uri };
  });
}

export function updateReward(
  ctx: CliContext,
  rewardId: number,
  change: { stock: number; active: boolean },
): Promise<RewardTransaction> {
  return withChain(connectSigner(ctx), async (chain) => {
    const receipt = await sendTransaction(
      () => chain.ballotBox.updateReward(rewardId, change.stock, change.active),
      {},
    );
    return { rewardId, txHash: receipt.hash, block: receipt.blockNumber };
  });
}

export function listRewards(ctx: CliContext): Promise<RewardInfo[]> {
  return withChain(connectChain(ctx), async (chain) => {
    try {
      const count = Number(await chain.ballotBox.rewardCount());
      const rewards = await Promise.all(
        Array.from({ length: count }, async (_, rewardId) => {
          const r = await chain.ballotBox.reward(rewardId);
          const content = decodeRewardContent(r.uri);
          return {
            rewardId,
            cost: Number(r.cost),
            stock: Number(r.stock),
            active: r.active,
            title: content?.title.en ?? null,
            content,
            uri: r.uri,
          };
        }),
      );
      return rewards;
    } catch (error) {
      throw chainError(error);
    }
  });
}
