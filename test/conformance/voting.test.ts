/**
 * Votes and audits through the running API and chain with viem, using only PROTOCOL.md (its rules
 * and ABI block), the test vectors and the deployment file. The city's part (register, poll) uses its
 * staff token and staff key; everything the resident and the observer do follows the specification.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { createWalletClient, defineChain, http, parseEventLogs, recoverTypedDataAddress } from "viem";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { STAFF_TOKEN, startStack } from "../api/harness";
import type { Stack } from "../api/harness";
import { abi, BallotBoxReader } from "./chain";
import type { PollView } from "./chain";
import { call, Resident } from "./resident";
import type { Deployment, Receipt } from "./resident";
import {
  BALLOT_TYPES,
  choiceBitmap,
  domainOf,
  leafOf,
  POLL_STATES,
  pollState,
  pollTextUri,
  readPollText,
  recount,
  rootFromProof,
  treeRoot,
} from "./stranger";

interface BallotCast {
  pollId: bigint;
  voter: Hex;
  resident: number;
  leafIndex: number;
  choices: bigint;
  revision: bigint;
  signature: Hex;
}

const QUESTIONS = [
  { options: 3, maxChoices: 1 },
  { options: 2, maxChoices: 2 },
];

describe("conformance: voting and auditing with viem through the running API and chain", function () {
  this.timeout(300_000);
  let stack: Stack;
  let deployment: Deployment;
  let box: BallotBoxReader;
  let pollId: number;
  /** What the residents did, recorded once in `before`. */
  let votes: { resident: Resident; receipt: Receipt; ballotId: Hex }[];

  /** The city: registers a resident through the staff API, answering their activation code. */
  const register = async (residentId: string) => {
    const row = { residentId, district: 1, building: "Tverskaya 1" };
    const { body } = await call<{ created: { activationCode: string }[] }>(
      stack.api!.url,
      "POST",
      "/api/admin/residents",
      { residents: [row] },
      STAFF_TOKEN,
    );
    return body.created[0]!.activationCode;
  };

  /** The city: creates a re-vote poll with its text on-chain (PROTOCOL.md 4.1). */
  const createPoll = async () => {
    const chain = defineChain({
      id: deployment.chainId,
      name: "veche",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [stack.chain.rpcUrl] } },
    });
    const staff = createWalletClient({
      account: privateKeyToAccount(stack.chain.keys.staff.privateKey as Hex),
      chain,
      transport: http(stack.chain.rpcUrl),
    });
    const text = (s: string) => ({ en: s, ru: s });
    const { uri, contentHash } = pollTextUri(
      JSON.stringify({
        title: text("A new park"),
        description: text("Where and how."),
        questions: [
          { text: text("Where?"), options: [text("North"), text("South"), text("East")] },
          { text: text("What?"), options: [text("Trees"), text("Benches")] },
        ],
      }),
    );
    const now = Number((await box.client.getBlock()).timestamp);
    const params = {
      contentHash,
      uri,
      start: now,
      end: now + 3600,
      questions: QUESTIONS,
      districts: [],
      revote: true,
      points: 5,
    };
    const hash = await staff.writeContract({
      address: deployment.ballotBox,
      abi,
      functionName: "createPoll",
      args: [params],
    });
    const receipt = await box.client.waitForTransactionReceipt({ hash });
    const [created] = parseEventLogs({ abi, logs: receipt.logs, eventName: "PollCreated" }) as unknown as {
      args: { pollId: bigint };
    }[];
    return Number(created!.args.pollId);
  };

  before(async () => {
    stack = await startStack();
    const file = path.join(stack.config.deploymentsDir, `${stack.config.network}.json`);
    deployment = JSON.parse(fs.readFileSync(file, "utf8")) as Deployment;
    box = new BallotBoxReader(stack.chain.rpcUrl, deployment.ballotBox);
    pollId = await createPoll();
    const [a, b] = await Promise.all(
      ["conf-a", "conf-b"].map(async (id) => Resident.activate(stack.api!.url, deployment, id, await register(id))),
    );
    await a!.enrol();
    await b!.enrol();
    votes = [];
    votes.push({ resident: a!, ...(await a!.vote(pollId, choiceBitmap(QUESTIONS, [[0], [0, 1]]), 1)) });
    votes.push({ resident: b!, ...(await b!.vote(pollId, choiceBitmap(QUESTIONS, [[1], [1]]), 1)) });
    // Resident a changes their mind: the next revision, as /api/me/polls says.
    const mine = await a!.get<{ polls: { pollId: number; nextRevision: number }[] }>("/api/me/polls");
    const next = mine.polls.find((p) => p.pollId === pollId)!.nextRevision;
    votes.push({ resident: a!, ...(await a!.vote(pollId, choiceBitmap(QUESTIONS, [[2], [1]]), next)) });
  });

  after(async () => {
    await stack?.stop();
  });

  it("agrees with the deployment file on where the chain is, and serves the poll's text as on-chain", async () => {
    const config = (await call<Deployment>(stack.api!.url, "GET", "/api/config")).body;
    expect(config).to.include({ chainId: deployment.chainId, ballotBox: deployment.ballotBox });
    const view = await box.read<PollView>("poll", [BigInt(pollId)]);
    const poll = (await call<{ content: unknown }>(stack.api!.url, "GET", `/api/polls/${pollId}`)).body;
    expect(readPollText(view.uri, view.contentHash)).to.deep.equal(poll.content);
  });

  it("gets receipts whose leaves rebuild from their fields, the ballot ids being the leaves", () => {
    expect(votes.map((v) => v.receipt.revision)).to.deep.equal([1, 1, 2]);
    for (const { ballotId, receipt, resident } of votes) {
      const leaf = leafOf({
        pollId: BigInt(receipt.pollId),
        voter: receipt.voter,
        choices: BigInt(receipt.choices),
        revision: BigInt(receipt.revision),
      });
      expect([receipt.leaf, ballotId, receipt.voter]).to.deep.equal([leaf, leaf, resident.key.address]);
      expect(receipt).to.include({ ballotBox: deployment.ballotBox, chainId: deployment.chainId, pollId });
    }
  });

  it("verifies the API's inclusion proofs against the root read from the chain", async () => {
    for (const { receipt } of votes) {
      const proof = (
        await call<{ ballots: number; siblings: Hex[]; block: number }>(
          stack.api!.url,
          "GET",
          `/api/polls/${pollId}/proof/${receipt.leafIndex}`,
        )
      ).body;
      const root = await box.read<Hex>("ballotRoot", [BigInt(pollId)], BigInt(proof.block));
      expect(rootFromProof(receipt.leaf, receipt.leafIndex, proof.ballots, proof.siblings)).to.equal(root);
      const otherLeaf = votes.find((v) => v.receipt.leaf !== receipt.leaf)!.receipt.leaf;
      expect(rootFromProof(otherLeaf, receipt.leafIndex, proof.ballots, proof.siblings)).to.not.equal(root);
    }
  });

  it("recounts the poll from its BallotCast events to the contract's tallies, root and ballot count", async () => {
    const block = await box.client.getBlockNumber();
    const ballots = (await box.events(BigInt(deployment.deployedBlock), block))
      .filter((e) => e.eventName === "BallotCast" && e.args.pollId === BigInt(pollId))
      .map((e) => e.args as unknown as BallotCast);
    expect(ballots.map((b) => b.leafIndex)).to.deep.equal(ballots.map((_, i) => i));
    const total = QUESTIONS.reduce((s, q) => s + q.options, 0);
    const result = recount(ballots, total);
    const [tallies, root, view] = await Promise.all([
      box.read<bigint[]>("tallies", [BigInt(pollId)], block),
      box.read<Hex>("ballotRoot", [BigInt(pollId)], block),
      box.read<PollView>("poll", [BigInt(pollId)], block),
    ]);
    expect(result.tallies).to.deep.equal([...tallies]);
    expect(result).to.include({ ballots: view.ballots, voters: 2 });
    expect(treeRoot(ballots.map(leafOf))).to.equal(root);
  });

  it("finds each ballot signed by its voter, an active key of the resident the event names", async () => {
    const keys = new Map<string, { resident: number; active: boolean }>();
    let checked = 0;
    for (const { eventName, args } of await box.events(BigInt(deployment.deployedBlock))) {
      const key = args.key as Hex;
      if (eventName === "VoterEnrolled") keys.set(key, { resident: args.resident as number, active: true });
      if (eventName === "VoterRevoked") keys.set(key, { resident: args.resident as number, active: false });
      if (eventName !== "BallotCast" || args.pollId !== BigInt(pollId)) continue;
      const b = args as unknown as BallotCast;
      const domain = domainOf(deployment.chainId, deployment.ballotBox);
      const message = { pollId: b.pollId, choices: b.choices, revision: b.revision };
      const signer = await recoverTypedDataAddress({
        domain,
        types: BALLOT_TYPES,
        primaryType: "Ballot",
        message,
        signature: b.signature,
      });
      expect(signer).to.equal(b.voter);
      expect(keys.get(b.voter)).to.deep.equal({ resident: b.resident, active: true });
      checked++;
    }
    expect(checked).to.equal(votes.length);
  });

  it("derives the poll's state from its schedule as the contract does", async () => {
    const block = await box.client.getBlock();
    const [view, state] = await Promise.all([
      box.read<PollView>("poll", [BigInt(pollId)], block.number),
      box.read<number>("state", [BigInt(pollId)], block.number),
    ]);
    const schedule = { start: Number(view.start), end: Number(view.end), cancelled: false, finalized: false };
    expect(pollState(schedule, Number(block.timestamp))).to.equal(POLL_STATES[state]);
  });

  it("tells from the chain that a re-voted ballot no longer counts", async () => {
    const [first, , latest] = votes;
    const [resident] = await box.read<[number]>("voter", [first!.receipt.voter]);
    const [counted] = await box.read<[bigint]>("ballotOf", [BigInt(pollId), resident]);
    expect(Number(counted)).to.equal(latest!.receipt.revision).and.to.be.greaterThan(first!.receipt.revision);
  });

  it("has a ballot whose choices were altered after signing refused, changing nothing", async () => {
    const { resident } = votes[1]!;
    const signature = await resident.sign(pollId, choiceBitmap(QUESTIONS, [[0], [0]]), 2);
    const altered = {
      pollId: String(pollId),
      choices: choiceBitmap(QUESTIONS, [[2], [0]]).toString(),
      revision: "2",
      signature,
    };
    const answer = await call<{ error: { code: string } }>(stack.api!.url, "POST", "/api/ballots", altered);
    expect([answer.status, answer.body.error.code]).to.deep.equal([403, "VOTER_NOT_ENROLLED"]);
  });
});
