/** `poll list` and `poll show`: polls as the chain holds them, with their text and live tallies. */
import {
  collectLogs,
  decodeEvent,
  decodePollContent,
  decodePollOutcome,
  EVENT_TOPICS,
  pollStateName,
  positionOf,
  resultsVisibility,
  uintTopic,
  ZERO_ROOT,
} from "../../../contracts/protocol";
import type {
  BallotBox,
  LocalizedText,
  PollContent,
  PollStateName,
  Question,
  ResultsVisibility,
} from "../../../contracts/protocol";
import type { ChainConnection } from "../chain";
import { chainError, connectChain, withChain } from "../chain";
import type { CliContext } from "../context";
import { secretResults } from "./pollAreas";
import type { SecretResults } from "./pollAreas";

export interface PollOverview {
  pollId: number;
  state: PollStateName;
  title: LocalizedText | null;
  start: string;
  end: string;
  cityWide: boolean;
  revote: boolean;
  points: number;
  ballots: number;
}

export interface PollDetail extends PollOverview {
  description: LocalizedText | null;
  districts: number[];
  contentHash: string;
  /** False when the on-chain text is missing or does not match its hash. */
  textVerified: boolean;
  ballotRoot: string;
  finalRoot: string | null;
  createdBlock: number | null;
  /** When the site shows the tallies (they are public on the ledger regardless). */
  results: ResultsVisibility;
  /** What the city decided, once published on-chain. */
  outcome: LocalizedText | null;
  questions: {
    text: LocalizedText | null;
    maxChoices: number;
    options: { text: LocalizedText | null; votes: number }[];
  }[];
  secret: boolean;
  /** A secret poll's census, areas and rule; null for an open poll. */
  secretResults: SecretResults | null;
}

type PollView = Awaited<ReturnType<BallotBox["poll"]>>;

export function questionsOf(view: PollView): Question[] {
  return view.questions.map((q) => ({ options: Number(q.options), maxChoices: Number(q.maxChoices) }));
}

function overview(pollId: number, view: PollView, content: PollContent | null): PollOverview {
  return {
    pollId,
    state: pollStateName(view.state),
    title: content?.title ?? null,
    start: new Date(Number(view.start) * 1000).toISOString(),
    end: new Date(Number(view.end) * 1000).toISOString(),
    cityWide: view.cityWide,
    revote: view.revote,
    points: Number(view.points),
    ballots: Number(view.ballots),
  };
}

export async function readPollView(chain: ChainConnection, pollId: number): Promise<PollView> {
  try {
    return await chain.ballotBox.poll(pollId);
  } catch (error) {
    throw chainError(error);
  }
}

export async function listPolls(ctx: CliContext, filter: { state?: PollStateName } = {}): Promise<PollOverview[]> {
  return withChain(connectChain(ctx), async (chain) => {
    const count = Number(await chain.ballotBox.pollCount());
    const polls: PollOverview[] = [];
    const batch = 20;
    for (let first = count; first >= 1; first -= batch) {
      const ids = Array.from({ length: Math.min(batch, first) }, (_, i) => first - i);
      const views = await Promise.all(ids.map((id) => readPollView(chain, id)));
      views.forEach((view, i) =>
        polls.push(overview(ids[i] ?? 0, view, decodePollContent(view.uri, view.contentHash))),
      );
    }
    return polls.filter((p) => !filter.state || p.state === filter.state);
  });
}

/** The PollCreated event of a poll: its districts and the block it was created in. */
export async function pollCreation(
  chain: ChainConnection,
  pollId: number,
): Promise<{ districts: number[]; block: number } | null> {
  const latest = Number(await chain.rpc.call<string>("eth_blockNumber", []));
  const filter = { address: chain.deployment.ballotBox, topics: [EVENT_TOPICS.PollCreated, uintTopic(pollId)] };
  const [log] = await collectLogs(chain.rpc, filter, chain.deployment.deployedBlock, latest);
  const created = log ? decodeEvent(log) : null;
  if (!log || created?.name !== "PollCreated") return null;
  return { districts: created.poll.districts, block: positionOf(log).block };
}

export async function showPoll(ctx: CliContext, pollId: number): Promise<PollDetail> {
  return withChain(connectChain(ctx), async (chain) => {
    const view = await readPollView(chain, pollId);
    const [tallies, root, creation, [outcomeHash, outcomeUri]] = await Promise.all([
      chain.ballotBox.tallies(pollId),
      chain.ballotBox.ballotRoot(pollId),
      pollCreation(chain, pollId),
      chain.ballotBox.outcome(pollId),
    ]);
    const content = decodePollContent(view.uri, view.contentHash);
    let offset = 0;
    const questions = questionsOf(view).map((q, qi) => {
      const text = content?.questions[qi];
      const options = Array.from({ length: q.options }, (_, oi) => ({
        text: text?.options[oi] ?? null,
        votes: Number(tallies[offset + oi] ?? 0n),
      }));
      offset += q.options;
      return { text: text?.text ?? null, maxChoices: q.maxChoices, options };
    });
    return {
      ...overview(pollId, view, content),
      description: content?.description ?? null,
      districts: creation?.districts ?? [],
      contentHash: view.contentHash,
      textVerified: content !== null,
      ballotRoot: root,
      finalRoot: view.finalRoot === ZERO_ROOT && Number(view.state) !== 4 ? null : view.finalRoot,
      createdBlock: creation?.block ?? null,
      results: resultsVisibility(content),
      outcome: outcomeUri ? (decodePollOutcome(outcomeUri, outcomeHash)?.text ?? null) : null,
      questions,
      secret: view.secret,
      secretResults: view.secret
        ? await secretResults(chain, pollId, view, creation?.districts ?? [], questionsOf(view))
        : null,
    };
  });
}
