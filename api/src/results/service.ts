/**
 * Results as observers read them from the API: a poll's ballots page by page, inclusion proofs, the
 * ballot timeline, the recount, and receipt checks. Proofs come from the indexer's trees; each answer
 * names the block it was read at and the contract's root at that block, so a client can check it.
 */
import { hexlify } from "ethers";
import { verifyBallotProof } from "../../../contracts/protocol";
import type { BallotProof, BallotReceipt } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import { notFound } from "../errors";
import { ChainState } from "../indexer/chainState";
import type { ChainFollower } from "../indexer/follower";
import { keccak256Native as nativeKeccak } from "../../../contracts/protocol/node/native";
import type { PollIndex, PollTrees } from "../indexer/pollTrees";
import type { PollRow } from "../indexer/store";

/** What a receipt check needs: the proof's part of a receipt (its ballot fields are not needed). */
export type ReceiptInput = Omit<BallotReceipt, "voter" | "choices" | "revision">;

export type ProofAnswer = BallotProof & {
  leaf: string;
  root: string;
  onChainRoot: string | null;
  finalRoot: string | null;
  block: number;
};

export class ResultsService {
  constructor(
    private readonly chain: Chain,
    private readonly state: ChainState,
    private readonly follower: ChainFollower,
    private readonly trees: PollTrees,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async ballots(pollId: number, offset: number, limit: number) {
    await this.pollOrThrow(pollId);
    const total = this.trees.get(pollId)?.tree.size ?? 0;
    const rows = await this.follower.store.ballotsOfPoll(pollId, offset, limit);
    return {
      total,
      ballots: rows.map((b) => ({
        leafIndex: b.leafIndex,
        leaf: b.leaf,
        voter: b.voter,
        resident: b.resident,
        nullifier: b.nullifier,
        area: b.area,
        choices: b.choices.toString(),
        revision: b.revision,
        signature: b.signature,
        txHash: b.txHash,
        block: b.block,
        time: b.time === null ? null : new Date(b.time * 1000).toISOString(),
        // A later ballot of the same resident (a re-vote) carries a higher revision and counts instead.
        replaced:
          b.revision <
          (b.nullifier === null
            ? this.state.lastRevision(pollId, b.resident)
            : this.state.lastSecretRevision(pollId, b.nullifier)),
      })),
    };
  }

  async proof(pollId: number, leafIndex: number): Promise<ProofAnswer> {
    const poll = await this.pollOrThrow(pollId);
    const index = this.trees.get(pollId);
    if (!index || leafIndex >= index.tree.size) {
      throw notFound("BALLOT_NOT_FOUND", `poll ${pollId} has no indexed ballot at leaf ${leafIndex}`);
    }
    // Read together, before any await: the tree and the block it reflects.
    const block = this.follower.height;
    const proof = index.tree.proof(leafIndex);
    const answer = { ...proof, leaf: index.tree.leaf(leafIndex), root: index.tree.root(), block };
    return { ...answer, onChainRoot: await this.onChainRoot(pollId, block), finalRoot: poll.finalRoot };
  }

  async timeline(pollId: number) {
    await this.pollOrThrow(pollId);
    const minutes = this.trees.get(pollId)?.minutes ?? new Map<number, number>();
    const buckets = [...minutes.entries()]
      .sort(([a], [b]) => a - b)
      .map(([minute, ballots]) => ({ minute: new Date(minute * 60_000).toISOString(), ballots }));
    return { buckets };
  }

  async result(pollId: number) {
    const poll = await this.pollOrThrow(pollId);
    const index: PollIndex | undefined = this.trees.get(pollId);
    return {
      pollId,
      state: ChainState.statusAt(poll, this.nowSeconds()),
      block: this.follower.height,
      tallies: (index?.count.tallies() ?? poll.questions.flatMap((q) => Array<bigint>(q.options).fill(0n))).map(String),
      ballots: index?.tree.size ?? 0,
      voters: index?.count.voters ?? 0,
      root: index?.tree.root() ?? `0x${"00".repeat(32)}`,
      finalRoot: poll.finalRoot,
      finalTallies: poll.finalTallies?.map(String) ?? null,
    };
  }

  /** Checks a receipt against the index and the contract's roots; problems are answers, not errors. */
  async verifyReceipt(receipt: ReceiptInput) {
    const problems: { code: string; message: string }[] = [];
    const problem = (code: string, message: string) => problems.push({ code, message });
    const d = this.chain.deployment;
    if (receipt.chainId !== d.chainId) problem("CHAIN_MISMATCH", `this API serves chain ${d.chainId}`);
    if (receipt.ballotBox.toLowerCase() !== d.ballotBox.toLowerCase()) {
      problem("BALLOT_BOX_MISMATCH", `this API serves ballot box ${d.ballotBox}`);
    }
    if (problems.length > 0)
      return { valid: false, problems, proof: null, includedInOnChainRoot: false, includedInFinalRoot: null };

    const poll = await this.pollOrThrow(receipt.pollId);
    const index = this.trees.get(receipt.pollId);
    const [row] = await this.follower.store.ballotsOfPoll(receipt.pollId, receipt.leafIndex, 1);
    if (!index || !row || row.leafIndex !== receipt.leafIndex || receipt.leafIndex >= index.tree.size) {
      problem("BALLOT_NOT_INDEXED", `no ballot at leaf ${receipt.leafIndex} of poll ${receipt.pollId} is indexed yet`);
      return { valid: false, problems, proof: null, includedInOnChainRoot: false, includedInFinalRoot: null };
    }
    const leaf = receipt.leaf.toLowerCase();
    if (row.leaf.toLowerCase() !== leaf) problem("LEAF_MISMATCH", `leaf ${receipt.leafIndex} is ${row.leaf}`);
    if (row.txHash.toLowerCase() !== receipt.txHash.toLowerCase())
      problem("TX_MISMATCH", `leaf ${receipt.leafIndex} came in tx ${row.txHash}`);
    if (row.block !== receipt.block) problem("BLOCK_MISMATCH", `leaf ${receipt.leafIndex} is in block ${row.block}`);

    const block = this.follower.height;
    const proof = { ...index.tree.proof(receipt.leafIndex), leaf, root: index.tree.root(), block };
    const onChainRoot = await this.onChainRoot(receipt.pollId, block);
    // The receipt's own leaf is what is proven: a changed leaf cannot lead to the contract's root.
    const includedInOnChainRoot = onChainRoot !== null && verifyBallotProof(leaf, proof, onChainRoot, nativeKeccak);
    if (!includedInOnChainRoot)
      problem("ROOT_MISMATCH", "the receipt's leaf does not lead to the contract's ballot root");
    const includedInFinalRoot = poll.finalRoot ? verifyBallotProof(leaf, proof, poll.finalRoot, nativeKeccak) : null;
    if (includedInFinalRoot === false)
      problem("FINAL_ROOT_MISMATCH", "the receipt's leaf does not lead to the final root");
    return {
      valid: problems.length === 0,
      problems,
      proof: { ...proof, onChainRoot, finalRoot: poll.finalRoot },
      includedInOnChainRoot,
      includedInFinalRoot,
    };
  }

  private async pollOrThrow(pollId: number): Promise<PollRow> {
    const poll = await this.state.poll(pollId);
    if (!poll) throw notFound("POLL_NOT_FOUND", `poll ${pollId} does not exist`);
    return poll;
  }

  /** The contract's root at the block the index has reached; null if the node no longer has that state. */
  private async onChainRoot(pollId: number, block: number): Promise<string | null> {
    try {
      return hexlify(await this.chain.ballotBox.ballotRoot(pollId, { blockTag: block }));
    } catch {
      return null;
    }
  }
}
