import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet, id as hashText } from "ethers";
import type { HDNodeWallet } from "ethers";
import {
  ballotDomain,
  ballotLeaf,
  connectBallotBox,
  encodeChoices,
  RpcClient,
  recountPoll,
  scanLogs,
  totalOptions,
} from "../../contracts/protocol";
import type { BallotBox, RawLog } from "../../contracts/protocol";
import { BallotDigester, ballotLeafNative } from "../../contracts/protocol/node/ballotCodec";
import { auditPoll, checkPoll, fetchPollHistory, openSnapshot } from "../../scripts/audit";
import { CliError } from "../../scripts/cli/errors";
import type { AuditReport, BallotRecord } from "../../scripts/audit";
import { runCli } from "../../scripts/cli/main";
import type { CliStreams } from "../../scripts/cli/main";
import { createPoll, enrolVoter, signedBallot, startStack } from "../api/harness";
import type { Stack } from "../api/harness";

const QUESTIONS = [
  { options: 3, maxChoices: 1 },
  { options: 2, maxChoices: 2 },
];

const runAuditCommand = (argv: string[], io: CliStreams) => runCli(["audit", ...argv], io);
const runVerifyReceiptCommand = (argv: string[], io: CliStreams) => runCli(["verify-receipt", ...argv], io);

function captureIo(): CliStreams & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t), isTTY: false },
    env: {},
    out: () => out,
    err: () => err,
  };
}

interface Cast {
  txHash: string;
  block: number;
  leafIndex: number;
  leaf: string;
  voter: string;
  choices: bigint;
  revision: bigint;
}

describe("audit CLI", function () {
  this.timeout(180_000);
  let stack: Stack;
  let relayer: BallotBox;
  let pollId: number;
  let casts: Cast[];
  let revokedKey: HDNodeWallet;

  const cast = async (key: HDNodeWallet, selected: number[][], revision: bigint): Promise<Cast> => {
    const choices = encodeChoices(QUESTIONS, selected);
    const b = await signedBallot(stack, key, { pollId: BigInt(pollId), choices, revision });
    const receipt = await (await relayer.castBallot(b.pollId, b.choices, b.revision, b.signature)).wait();
    const leafIndex = casts.length;
    return {
      txHash: receipt!.hash,
      block: receipt!.blockNumber,
      leafIndex,
      leaf: ballotLeaf({ pollId: BigInt(pollId), voter: key.address, choices, revision }),
      voter: key.address,
      choices,
      revision,
    };
  };

  const args = (...rest: string[]) => [
    "--rpc",
    stack.chain.rpcUrl,
    "--ballot-box",
    stack.deployment.ballotBox,
    "--from-block",
    String(stack.deployment.deployedBlock),
    ...rest,
  ];

  before(async () => {
    stack = await startStack({ withApi: false });
    const provider = new JsonRpcProvider(stack.chain.rpcUrl, undefined, { staticNetwork: true });
    relayer = connectBallotBox(
      stack.deployment.ballotBox,
      new NonceManager(new Wallet(stack.chain.keys.relayers[0]!.privateKey, provider)),
    );
    pollId = await createPoll(stack, { questions: QUESTIONS, districts: [1, 2], revote: true });
    casts = [];
    const a = await enrolVoter(stack, 1);
    const b = await enrolVoter(stack, 2);
    revokedKey = await enrolVoter(stack, 1);
    casts.push(await cast(a, [[0], [0, 1]], 1n));
    casts.push(await cast(b, [[1], [1]], 1n));
    casts.push(await cast(revokedKey, [[2], [0]], 1n));
    // The third resident replaces their key; the new one re-votes for them.
    const replacement = Wallet.createRandom();
    await (await stack.registrar.enrol(hashText(`resident-${revokedKey.address}`), replacement.address, 1)).wait();
    casts.push(await cast(replacement, [[0], [1]], 2n));
    casts.push(await cast(b, [[0], [0]], 2n));
    await (await stack.staff.closePoll(pollId)).wait();
    await (await stack.staff.finalizePoll(pollId)).wait();
  });

  after(async () => {
    await stack?.stop();
  });

  it("encodes leaves and ballot digests natively exactly as the protocol module and the contract do", async () => {
    const c = casts[0]!;
    expect(`0x${ballotLeafNative({ pollId: BigInt(pollId), ...c }).toString("hex")}`).to.equal(c.leaf);
    const digester = new BallotDigester(ballotDomain(stack.deployment.chainId, stack.deployment.ballotBox));
    const digest = await stack.staff.ballotDigest(pollId, c.choices, c.revision);
    expect(`0x${digester.digest(BigInt(pollId), c.choices, c.revision).toString("hex")}`).to.equal(digest);
  });

  it("recounts with the protocol's recount (the explorer's and finalize's) to the contract's tallies and root", async () => {
    const rpc = new RpcClient(stack.chain.rpcUrl);
    const head = Number(await rpc.call<string>("eth_blockNumber", []));
    const pages: number[] = [];
    const recount = await recountPoll(
      rpc,
      {
        ballotBox: stack.deployment.ballotBox,
        pollId,
        totalOptions: totalOptions(QUESTIONS),
        fromBlock: stack.deployment.deployedBlock,
        toBlock: head,
        scan: { initialSpan: 2 },
      },
      (page) => pages.push(page.ballots),
    );
    const tallies = await stack.staff.tallies(pollId, { blockTag: head });
    expect(recount.tallies).to.deep.equal([...tallies]);
    expect(recount.root).to.equal(await stack.staff.ballotRoot(pollId, { blockTag: head }));
    expect(recount).to.include({ ballots: casts.length, voters: 3 });
    expect(pages.length).to.be.greaterThan(1);
  });

  it("audits a clean finalized poll as OK and exits 0", async () => {
    const io = captureIo();
    const code = await runAuditCommand(args("--poll", String(pollId), "--json"), io);
    const report = JSON.parse(io.out()) as AuditReport;
    expect(report.findings).to.deep.equal([]);
    expect(code).to.equal(0);
    expect(report.ok).to.equal(true);
    expect(report.ballots).to.equal(5);
    expect(report.voters).to.equal(3);
    expect(report.state).to.equal("Finalized");
    const onChain = (await stack.staff.tallies(pollId)).map(String);
    expect(report.tallies).to.deep.equal(onChain);
    expect(report.onChainRoot).to.equal((await stack.staff.ballotRoot(pollId)).toLowerCase());
    expect(report.root).to.equal(report.onChainRoot);
    expect(report.finalRoot).to.equal(report.root);
    // Last ballots count: A [0],[0,1]; B [0],[0]; the third resident [0],[1].
    expect(report.questions).to.deep.equal([{ options: ["3", "0", "0"] }, { options: ["2", "2"] }]);
  });

  it("prints a readable report and audits every poll with --all", async () => {
    const extra = await createPoll(stack);
    const io = captureIo();
    expect(await runAuditCommand(args("--all"), io)).to.equal(0);
    expect(io.out()).to.contain(`Poll ${pollId} — Finalized`);
    expect(io.out()).to.contain(`Poll ${extra} — Active`);
    expect(io.out()).to.contain("all OK");
    expect(io.err()).to.equal("");
  });

  it("refuses bad arguments and unknown polls with exit code 2", async () => {
    const io = captureIo();
    expect(await runAuditCommand(args(), io)).to.equal(2);
    expect(io.err()).to.contain("--poll");
    const missing = captureIo();
    expect(await runAuditCommand(args("--poll", "999", "--json"), missing)).to.equal(2);
    expect((JSON.parse(missing.err()) as { error: { code: string } }).error.code).to.equal("POLL_NOT_FOUND");
    const unreachable = captureIo();
    const dead = ["--rpc", "http://127.0.0.1:9", "--ballot-box", stack.deployment.ballotBox, "--poll", "1", "--json"];
    expect(await runAuditCommand(dead, unreachable)).to.equal(2);
    expect((JSON.parse(unreachable.err()) as { error: { code: string } }).error.code).to.equal("CHAIN_UNREACHABLE");
  });

  it("reads logs in pages that adapt to how crowded the blocks are", async () => {
    const rpc = new RpcClient(stack.chain.rpcUrl);
    const head = Number(await rpc.call<string>("eth_blockNumber", []));
    const filter = { address: stack.deployment.ballotBox, topics: [] };
    const whole = await rpc.call<RawLog[]>("eth_getLogs", [
      { ...filter, fromBlock: `0x${stack.deployment.deployedBlock.toString(16)}`, toBlock: `0x${head.toString(16)}` },
    ]);
    const spans: number[] = [];
    const paged: RawLog[] = [];
    for await (const page of scanLogs(rpc, filter, stack.deployment.deployedBlock, head, {
      initialSpan: 4,
      targetLogs: 2,
    })) {
      spans.push(page.to - page.from + 1);
      paged.push(...page.logs);
    }
    expect(paged.map((l) => `${l.blockNumber}:${l.logIndex}`)).to.deep.equal(
      whole.map((l) => `${l.blockNumber}:${l.logIndex}`),
    );
    expect(whole.length).to.be.greaterThan(10);
    expect(Math.min(...spans)).to.be.lessThan(4);
    expect(new Set(spans).size).to.be.greaterThan(1);
  });

  describe("catches a tampered history", () => {
    const load = async () => {
      const snapshot = await openSnapshot({
        rpcUrl: stack.chain.rpcUrl,
        ballotBox: stack.deployment.ballotBox,
        fromBlock: stack.deployment.deployedBlock,
      });
      return fetchPollHistory(snapshot, BigInt(pollId));
    };
    const codes = (r: AuditReport) => r.findings.map((f) => f.code);

    it("passes the untouched history", async () => {
      const { history, onChain } = await load();
      expect(checkPoll(history, onChain).findings).to.deep.equal([]);
    });

    it("reports a changed tally in the contract's values", async () => {
      const { history, onChain } = await load();
      onChain.tallies[1] = onChain.tallies[1]! + 1n;
      const report = checkPoll(history, onChain);
      expect(codes(report)).to.deep.equal(["TALLY_MISMATCH"]);
      expect(report.ok).to.equal(false);
    });

    it("reports a dropped ballot event", async () => {
      const { history, onChain } = await load();
      history.ballots.splice(1, 1);
      const report = checkPoll(history, onChain);
      expect(codes(report)).to.include.members([
        "LEAF_INDEX_MISMATCH",
        "BALLOT_COUNT_MISMATCH",
        "ROOT_MISMATCH",
        "FINAL_ROOT_MISMATCH",
      ]);
      expect(report.ok).to.equal(false);
    });

    it("reports altered choices", async () => {
      const { history, onChain } = await load();
      const ballot = history.ballots[0]!;
      history.ballots[0] = { ...ballot, choices: encodeChoices(QUESTIONS, [[1], [0, 1]]) };
      const report = checkPoll(history, onChain);
      expect(codes(report)).to.include.members(["SIGNER_MISMATCH", "TALLY_MISMATCH", "ROOT_MISMATCH"]);
      expect(report.findings.find((f) => f.code === "SIGNER_MISMATCH")?.leafIndex).to.equal(0);
      expect(report.ok).to.equal(false);
    });

    it("reports a ballot signed by a key that was no longer active", async () => {
      const { history, onChain } = await load();
      // A correctly signed ballot by the replaced key, slipped in after the replacement.
      const choices = encodeChoices(QUESTIONS, [[1], [1]]);
      const signed = await signedBallot(stack, revokedKey, { pollId: BigInt(pollId), choices, revision: 3n });
      const last = history.ballots[history.ballots.length - 1]!;
      const forged: BallotRecord = {
        ...last,
        leafIndex: history.ballots.length,
        logIndex: last.logIndex + 1,
        voter: revokedKey.address.toLowerCase(),
        resident: history.ballots[2]!.resident,
        choices,
        revision: 3n,
        signature: signed.signature,
      };
      history.ballots.push(forged);
      const report = checkPoll(history, onChain);
      expect(codes(report)).to.include("KEY_NOT_ACTIVE");
      expect(codes(report)).to.not.include("SIGNER_MISMATCH");
      expect(report.findings.find((f) => f.code === "KEY_NOT_ACTIVE")?.leafIndex).to.equal(5);
      expect(report.ok).to.equal(false);
    });

    it("reports a resident number that does not match the registry, and a district out of scope", async () => {
      const { history, onChain } = await load();
      history.ballots[0] = { ...history.ballots[0]!, resident: 99 };
      const enrolled = history.registry.map((e) =>
        e.kind === "enrolled" && e.key === history.ballots[1]!.voter ? { ...e, district: 7 } : e,
      );
      const report = checkPoll({ ...history, registry: enrolled }, onChain);
      expect(codes(report)).to.include.members(["RESIDENT_MISMATCH", "NOT_IN_SCOPE"]);
    });
  });

  describe("verify-receipt", () => {
    const writeReceipt = (receipt: object): string => {
      const file = path.join(stack.dataDir, `receipt-${Math.random().toString(36).slice(2)}.json`);
      fs.writeFileSync(file, JSON.stringify(receipt));
      return file;
    };
    const receiptOf = (c: Cast) => ({
      pollId: String(pollId),
      leafIndex: c.leafIndex,
      leaf: c.leaf,
      txHash: c.txHash,
      block: c.block,
      ballotBox: stack.deployment.ballotBox,
      chainId: stack.deployment.chainId,
      voter: c.voter,
      choices: c.choices.toString(),
      revision: c.revision.toString(),
    });
    const rpc = () => ["--rpc", stack.chain.rpcUrl, "--from-block", String(stack.deployment.deployedBlock)];

    it("verifies a genuine receipt against the contract's root and the final root", async () => {
      const io = captureIo();
      const code = await runVerifyReceiptCommand([...rpc(), "--json", writeReceipt(receiptOf(casts[3]!))], io);
      const report = JSON.parse(io.out()) as {
        ok: boolean;
        problems: unknown[];
        finalRoot: string;
        onChainRoot: string;
      };
      expect(report.problems).to.deep.equal([]);
      expect(code).to.equal(0);
      expect(report.finalRoot).to.equal(report.onChainRoot);
    });

    it("rejects a receipt whose leaf was altered", async () => {
      const io = captureIo();
      const tampered = { ...receiptOf(casts[1]!), leaf: casts[2]!.leaf };
      expect(await runVerifyReceiptCommand([...rpc(), writeReceipt(tampered)], io)).to.equal(1);
      expect(io.out()).to.contain("NOT VERIFIED");
      expect(io.out()).to.contain("LEAF_MISMATCH");
      expect(io.out()).to.contain("NOT_IN_TREE");
    });

    it("rejects a receipt that points at another ballot's transaction or claims other choices", async () => {
      const io = captureIo();
      const moved = { ...receiptOf(casts[1]!), txHash: casts[0]!.txHash, block: casts[0]!.block };
      expect(await runVerifyReceiptCommand([...rpc(), "--json", writeReceipt(moved)], io)).to.equal(1);
      expect((JSON.parse(io.out()) as { problems: { code: string }[] }).problems.map((p) => p.code)).to.include(
        "LOG_NOT_FOUND",
      );
      const other = captureIo();
      const claims = { ...receiptOf(casts[1]!), choices: "9" };
      expect(await runVerifyReceiptCommand([...rpc(), "--json", writeReceipt(claims)], other)).to.equal(1);
      expect(other.out()).to.contain("FIELD_MISMATCH");
    });

    it("refuses a malformed receipt with exit code 2", async () => {
      const io = captureIo();
      const bad = writeReceipt({ ...receiptOf(casts[0]!), leaf: "0x1234" });
      expect(await runVerifyReceiptCommand([...rpc(), bad], io)).to.equal(2);
      expect(io.err()).to.contain('"leaf"');
      const json = captureIo();
      expect(await runVerifyReceiptCommand([...rpc(), "--json", bad], json)).to.equal(2);
      expect((JSON.parse(json.err()) as { error: { code: string } }).error.code).to.equal("RECEIPT_INVALID");
    });
  });
  // Last (a nested describe runs after the tests above): it mines past the states the node keeps.
  describe("the snapshot's state", () => {
    it("reads the contract's values when it opens its snapshot, and names a node that no longer keeps them", async () => {
      const rpc = new RpcClient(stack.chain.rpcUrl);
      const where = { rpcUrl: stack.chain.rpcUrl, ballotBox: stack.deployment.ballotBox };
      const snapshot = await openSnapshot(where, [BigInt(pollId)]);
      // 300 blocks: more than the 256 blocks' states the embedded node keeps.
      await rpc.call("anvil_mine", ["0x12c"]);
      const { onChain } = await fetchPollHistory(snapshot, BigInt(pollId));
      expect(onChain.block).to.equal(snapshot.block);
      expect(onChain.tallies).to.deep.equal([...(await stack.staff.tallies(pollId))]);

      const error = await auditPoll({ ...where, pollId, toBlock: snapshot.block }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).to.be.instanceOf(CliError);
      expect((error as CliError).code).to.equal("STATE_NOT_KEPT");
      expect((error as CliError).message).to.contain(String(snapshot.block));
    });
  });
});
