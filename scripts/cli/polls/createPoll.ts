/** `poll create`: a validated poll file becomes a createPoll transaction; its text goes on-chain. */
import { encodePollContent, ballotBoxInterface } from "../../../contracts/protocol";
import type { PollParams } from "../../../contracts/protocol";
import type { CliContext } from "../context";
import { connectSigner, sendTransaction, withChain } from "../chain";
import { CliError } from "../errors";
import { pollContent, pollQuestions, pollSchedule } from "./pollFile";
import { censusAt } from "./secretCensus";
import type { PollFile } from "./pollFile";

export interface CreatedPoll {
  pollId: number;
  txHash: string;
  block: number;
  start: string;
  end: string;
  contentHash: string;
  title: string;
  /** A secret poll's census as committed: root, areas, eligible residents and snapshot block. */
  census: { root: string; areas: number; eligible: number; snapshotBlock: number; areaKind: string } | null;
}

export function pollParams(poll: PollFile, nowSeconds: number): PollParams {
  const { uri, contentHash } = encodePollContent(pollContent(poll));
  const { start, end } = pollSchedule(poll, nowSeconds);
  return {
    contentHash,
    uri,
    start,
    end,
    questions: pollQuestions(poll),
    districts: poll.scope.districts ?? [],
    revote: poll.revote,
    points: poll.points,
  };
}

export async function createPoll(ctx: CliContext, poll: PollFile): Promise<CreatedPoll> {
  return withChain(connectSigner(ctx), async (chain) => {
    const latest = await chain.provider.getBlock("latest");
    const now = latest?.timestamp ?? Math.floor(Date.now() / 1000);
    const params = pollParams(poll, now);
    let census: CreatedPoll["census"] = null;
    if (poll.secret) {
      const areaKind = poll.areas ?? "district";
      const built = await censusAt(chain, params.districts, areaKind);
      if (built.census.eligible === 0) {
        throw new CliError("CENSUS_EMPTY", "no resident in the poll's scope has a voter key and an identity yet");
      }
      census = {
        root: built.census.root,
        areas: built.census.areas.length,
        eligible: built.census.eligible,
        snapshotBlock: built.snapshotBlock,
        areaKind,
      };
    }
    const receipt = census
      ? await sendTransaction(() => chain.ballotBox.createSecretPoll(params, census), {})
      : await sendTransaction(() => chain.ballotBox.createPoll(params), {});
    const created = receipt.logs
      .map((log) => ballotBoxInterface.parseLog(log))
      .find((parsed) => parsed?.name === "PollCreated");
    if (!created) throw new CliError("CHAIN_ERROR", `transaction ${receipt.hash} created no poll`);
    return {
      pollId: Number(created.args[0] as bigint),
      txHash: receipt.hash,
      block: receipt.blockNumber,
      start: new Date(params.start * 1000).toISOString(),
      end: new Date(params.end * 1000).toISOString(),
      contentHash: params.contentHash,
      title: poll.title.en,
      census,
    };
  });
}
