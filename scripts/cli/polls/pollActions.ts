/** `poll close`, `poll cancel` and `poll finalize`: staff transactions on one poll. */
import { ballotBoxInterface, encodePollOutcome, POLL_STATES } from "../../../contracts/protocol";
import type { LocalizedText } from "../../../contracts/protocol";
import type { TransactionReceipt } from "ethers";
import type { CliContext } from "../context";
import { connectSigner, sendTransaction, withChain } from "../chain";
import { CliError } from "../errors";
import { questionsOf, readPollView } from "./readPolls";
import { recountPoll } from "./recount";

export interface PollTransaction {
  pollId: number;
  txHash: string;
  block: number;
}

export interface FinalizedPoll extends PollTransaction {
  ballots: number;
  voters: number;
  root: string;
  tallies: string[];
}

function summary(pollId: number, receipt: TransactionReceipt): PollTransaction {
  return { pollId, txHash: receipt.hash, block: receipt.blockNumber };
}

export function closePoll(ctx: CliContext, pollId: number): Promise<PollTransaction> {
  return withChain(connectSigner(ctx), async (chain) => {
    const receipt = await sendTransaction(() => chain.ballotBox.closePoll(pollId), { expectedState: "Active" });
    return summary(pollId, receipt);
  });
}

export function cancelPoll(ctx: CliContext, pollId: number): Promise<PollTransaction> {
  return withChain(connectSigner(ctx), async (chain) => {
    const receipt = await sendTransaction(() => chain.ballotBox.cancelPoll(pollId), {
      expectedState: "Pending, Active or Closed",
    });
    return summary(pollId, receipt);
  });
}

/**
 * Recounts the closed poll from its BallotCast events and publishes the result only if the recount
 * matches the contract's tallies, ballot count and root exactly.
 */
export function finalizePoll(ctx: CliContext, pollId: number): Promise<FinalizedPoll> {
  return withChain(connectSigner(ctx), async (chain) => {
    const view = await readPollView(chain, pollId);
    const state = POLL_STATES[Number(view.state)];
    if (state !== "Closed") {
      throw new CliError("PollUnexpectedState", `poll ${pollId} is ${state}; it must be Closed`);
    }
    const recount = await recountPoll(chain, pollId, questionsOf(view));
    const [tallies, root] = await Promise.all([chain.ballotBox.tallies(pollId), chain.ballotBox.ballotRoot(pollId)]);
    const differences: string[] = [];
    if (recount.ballots !== Number(view.ballots)) {
      differences.push(`ballots: recount ${recount.ballots}, contract ${view.ballots}`);
    }
    if (recount.root.toLowerCase() !== root.toLowerCase()) {
      differences.push(`root: recount ${recount.root}, contract ${root}`);
    }
    tallies.forEach((onChain, option) => {
      const counted = recount.tallies[option];
      if (counted !== onChain) differences.push(`option bit ${option}: recount ${counted}, contract ${onChain}`);
    });
    if (tallies.length !== recount.tallies.length) {
      differences.push(`options: recount ${recount.tallies.length}, contract ${tallies.length}`);
    }
    if (differences.length > 0) {
      throw new CliError(
        "RECOUNT_MISMATCH",
        `poll ${pollId}: the recount from BallotCast events differs from the contract; not finalizing:\n  ` +
          differences.join("\n  "),
        1,
        { differences },
      );
    }
    const receipt = await sendTransaction(() => chain.ballotBox.finalizePoll(pollId), { expectedState: "Closed" });
    const event = receipt.logs
      .map((log) => ballotBoxInterface.parseLog(log))
      .find((parsed) => parsed?.name === "PollFinalized");
    const finalRoot = event ? (event.args[2] as string) : root;
    return {
      ...summary(pollId, receipt),
      ballots: recount.ballots,
      voters: recount.voters,
      root: finalRoot,
      tallies: recount.tallies.map(String),
    };
  });
}

export interface PublishedOutcome extends PollTransaction {
  outcomeHash: string;
  text: LocalizedText;
}

/** Publishes, once, what the city decided after a closed or finalized poll; its text goes on-chain. */
export function publishOutcome(ctx: CliContext, pollId: number, text: LocalizedText): Promise<PublishedOutcome> {
  const trimmed = { en: text.en.trim(), ru: text.ru.trim() };
  if (!trimmed.en || !trimmed.ru || trimmed.en.length > 2000 || trimmed.ru.length > 2000) {
    throw new CliError("USAGE", "--text and --text-ru must each be 1 to 2000 characters", 2);
  }
  const { uri, outcomeHash } = encodePollOutcome({ text: trimmed });
  return withChain(connectSigner(ctx), async (chain) => {
    const receipt = await sendTransaction(() => chain.ballotBox.publishOutcome(pollId, outcomeHash, uri), {
      expectedState: "Closed or Finalized",
    });
    return { ...summary(pollId, receipt), outcomeHash, text: trimmed };
  });
}
