import { expect } from "chai";
import type { HDNodeWallet } from "ethers";
import { startEmbeddedChain } from "../../node/embedded/chain";
import { createPoll, enrolVoter, eventually, http, signedBallot, startStack } from "../api/harness";
import type { Stack } from "../api/harness";
import { countedLeaves } from "./countedLeaves";
import { startTcpProxy } from "./tcpProxy";

type Body = Awaited<ReturnType<typeof signedBallot>>;
interface Answer {
  ballotId: string;
  status: string;
  duplicate?: boolean;
}

async function ballotsFor(stack: Stack, polls: number, voters: number): Promise<Body[]> {
  const [pollIds, keys] = await Promise.all([
    Promise.all(Array.from({ length: polls }, () => createPoll(stack))),
    Promise.all(Array.from({ length: voters }, () => enrolVoter(stack))),
  ]);
  // The API must have indexed the voters and polls before the chain goes away.
  await eventually(async () =>
    (await http(stack, "GET", `/api/polls/${pollIds[polls - 1]}`)).status === 200 ? true : null,
  );
  await new Promise((r) => setTimeout(r, 1500));
  return Promise.all(
    pollIds.flatMap((p) =>
      keys.map((k: HDNodeWallet) => signedBallot(stack, k, { pollId: BigInt(p), choices: 1n, revision: 1n })),
    ),
  );
}

async function post(stack: Stack, bodies: readonly Body[], accepted: Set<string>): Promise<void> {
  await Promise.all(
    bodies.map(async (body) => {
      const answer = await http<Answer>(stack, "POST", "/api/ballots", body);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      accepted.add(answer.body.ballotId);
    }),
  );
}

/** Every accepted ballot is mined once, and a client retrying any ballot gets the same answer. */
async function expectAllCountedOnce(stack: Stack, bodies: readonly Body[], accepted: Set<string>): Promise<void> {
  for (const id of accepted) {
    await eventually(
      async () =>
        (await http<Answer>(stack, "GET", `/api/ballots/${id}?wait=10`)).body.status === "mined" ? true : null,
      90_000,
      `ballot ${id} mined`,
    );
  }
  const counted = await countedLeaves(stack);
  for (const id of accepted) expect(counted.get(id), `ballot ${id} on-chain`).to.equal(1);
  for (const [leaf, n] of counted) expect(n, `leaf ${leaf} counted once`).to.equal(1);
  for (const body of bodies) {
    const retry = await http<Answer>(stack, "POST", "/api/ballots", body);
    expect(retry.status).to.equal(200);
    expect(retry.body.duplicate).to.equal(true);
    expect(retry.body.status).to.equal("mined");
    expect(accepted.has(retry.body.ballotId)).to.equal(true);
  }
}

describe("chain faults under load", function () {
  this.timeout(300_000);

  it("loses no accepted ballot when the chain node stops and restarts mid-load", async () => {
    const stack = await startStack();
    try {
      const bodies = await ballotsFor(stack, 3, 12);
      const accepted = new Set<string>();
      await post(stack, bodies.slice(0, 12), accepted);
      const port = stack.chain.port;
      await stack.chain.stop(); // pending transactions are lost with the node's memory
      await post(stack, bodies.slice(12, 24), accepted); // accepted while the node is down
      stack.chain = await startEmbeddedChain({ dataDir: stack.dataDir, port });
      await post(stack, bodies.slice(24), accepted);
      await expectAllCountedOnce(stack, bodies, accepted);
    } finally {
      await stack.stop();
    }
  });

  it("loses no accepted ballot when the chain node is killed mid-load and restarted", async () => {
    const stack = await startStack();
    try {
      const bodies = await ballotsFor(stack, 3, 12);
      const accepted = new Set<string>();
      await post(stack, bodies.slice(0, 18), accepted);
      // Kill right after the API has seen ballots mined, so the last block may not be in the state file.
      await eventually(async () => ((await countedLeaves(stack)).size > 0 ? true : null), 30_000, "a mined ballot");
      const port = stack.chain.port;
      await stack.chain.kill();
      await post(stack, bodies.slice(18, 27), accepted);
      stack.chain = await startEmbeddedChain({ dataDir: stack.dataDir, port });
      await post(stack, bodies.slice(27), accepted);
      await expectAllCountedOnce(stack, bodies, accepted);
    } finally {
      await stack.stop();
    }
  });

  it("re-sends ballots whose blocks the chain dropped after the API saw them mined", async () => {
    const stack = await startStack();
    try {
      const bodies = await ballotsFor(stack, 2, 12);
      const snapshot = (await stack.provider.send("evm_snapshot", [])) as string;
      const accepted = new Set<string>();
      await post(stack, bodies.slice(0, 12), accepted);
      for (const id of accepted) {
        await eventually(async () =>
          (await http<Answer>(stack, "GET", `/api/ballots/${id}?wait=10`)).body.status === "mined" ? true : null,
        );
      }
      // The node goes back to before those ballots: their blocks are gone, as after a reorg.
      expect(await stack.provider.send("evm_revert", [snapshot])).to.equal(true);
      expect((await countedLeaves(stack)).size).to.equal(0);
      await post(stack, bodies.slice(12), accepted);
      await expectAllCountedOnce(stack, bodies, accepted);
    } finally {
      await stack.stop();
    }
  });

  it("loses no accepted ballot while the API is cut off from the node for a while", async () => {
    const stack = await startStack({ withApi: false });
    const proxy = await startTcpProxy(stack.chain.port);
    try {
      await stack.startApi({ CHAIN_RPC_URL: proxy.url });
      const bodies = await ballotsFor(stack, 3, 12);
      const accepted = new Set<string>();
      await post(stack, bodies.slice(0, 12), accepted);
      await proxy.cut();
      await post(stack, bodies.slice(12, 24), accepted);
      const ready = await http<{ checks: Record<string, boolean> }>(stack, "GET", "/readyz");
      expect(ready.status).to.equal(503);
      expect(ready.body.checks.chain).to.equal(false);
      await new Promise((r) => setTimeout(r, 6_000)); // longer than the relayer's check interval
      await proxy.restore();
      await post(stack, bodies.slice(24), accepted);
      await expectAllCountedOnce(stack, bodies, accepted);
      expect((await http(stack, "GET", "/readyz")).status).to.equal(200);
    } finally {
      await stack.stop();
      await proxy.close();
    }
  });
});
