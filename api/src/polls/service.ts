/** Polls as residents and observers see them: on-chain shape, text from the chain, live tallies. */
import { decodePollContent } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import { notFound } from "../errors";
import { ChainState } from "../indexer/chainState";
import type { PollStatus } from "../indexer/chainState";
import type { PollRow } from "../indexer/store";

export interface PollSummary {
  pollId: number;
  state: PollStatus;
  start: string;
  end: string;
  cityWide: boolean;
  districts: number[];
  revote: boolean;
  points: number;
  questions: PollRow["questions"];
  content: ReturnType<typeof decodePollContent>;
  contentHash: string;
  finalRoot: string | null;
}

export class PollService {
  constructor(
    private readonly chain: Chain,
    private readonly state: ChainState,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  list(filter?: { state?: PollStatus; district?: number }): PollSummary[] {
    return this.state
      .allPolls()
      .map((p) => this.summary(p))
      .filter((p) => !filter?.state || p.state === filter.state)
      .filter((p) => filter?.district === undefined || p.cityWide || p.districts.includes(filter.district))
      .sort((a, b) => b.pollId - a.pollId);
  }

  async detail(pollId: number) {
    const poll = await this.state.poll(pollId);
    if (!poll) throw notFound("POLL_NOT_FOUND", `poll ${pollId} does not exist`);
    const [tallies, root, onChain] = await Promise.all([
      this.chain.ballotBox.tallies(pollId),
      this.chain.ballotBox.ballotRoot(pollId),
      this.chain.ballotBox.poll(pollId),
    ]);
    return {
      ...this.summary(poll),
      ballots: Number(onChain.ballots),
      tallies: tallies.map(String),
      ballotRoot: root,
    };
  }

  summary(p: PollRow): PollSummary {
    return {
      pollId: p.pollId,
      state: ChainState.statusAt(p, this.nowSeconds()),
      start: new Date(p.start * 1000).toISOString(),
      end: new Date(p.end * 1000).toISOString(),
      cityWide: p.cityWide,
      districts: p.districts,
      revote: p.revote,
      points: p.points,
      questions: p.questions,
      content: decodePollContent(p.uri, p.contentHash),
      contentHash: p.contentHash,
      finalRoot: p.finalRoot,
    };
  }
}
