import { expect } from "chai";
import path from "node:path";
import Database from "better-sqlite3";
import { pickFreePort } from "../../node/embedded/ports";
import { createPoll, enrolVoter, eventually, signedBallot, startStack } from "../api/harness";
import type { Stack } from "../api/harness";
import { countedLeaves } from "./countedLeaves";
import { spawnApi } from "../../scripts/lib/apiProcess";

interface Answer {
  ballotId?: string;
  status?: string;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Answer } | null> {
  try {
    const res = await fetch(`${url}/api/ballots`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  } catch {
    return null; // the API died mid-request: no answer, so no promise was made
  }
}

async function countBallots(stack: Stack): Promise<number> {
  return (await countedLeaves(stack)).size;
}

describe("API killed with ballots in flight", function () {
  this.timeout(240_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack({ withApi: false });
  });
  after(async () => {
    await stack?.stop();
  });

  it("puts every ballot it accepted on-chain exactly once after a SIGKILL and restart", async () => {
    // 12 voters in 12 polls give 144 ballots; set up in parallel, since each transaction waits a block.
    const [polls, voters] = await Promise.all([
      Promise.all(Array.from({ length: 12 }, () => createPoll(stack))),
      Promise.all(Array.from({ length: 12 }, () => enrolVoter(stack))),
    ]);
    const bodies = await Promise.all(
      polls.flatMap((p) => voters.map((v) => signedBallot(stack, v, { pollId: BigInt(p), choices: 1n, revision: 1n }))),
    );

    const env = Object.fromEntries(
      Object.entries({
        VECHE_DATA_DIR: stack.config.dataDir,
        DEPLOYMENTS_DIR: stack.config.deploymentsDir,
        CHAIN_RPC_URL: stack.config.rpcUrl,
        RELAYER_KEYS: stack.config.relayerKeys.join(","),
        STAFF_API_TOKEN: "staff-token-for-tests-0123456789",
        RESIDENT_ID_PEPPER: "pepper-for-tests-0123456789",
      }),
    );
    const port = await pickFreePort("127.0.0.1");
    const first = await spawnApi(env, port);

    const accepted = new Set<string>();
    const send = async (body: unknown) => {
      const answer = await post(first.url, body);
      if (answer && answer.status === 202 && answer.body.ballotId) accepted.add(answer.body.ballotId);
    };
    // By construction, not by timing: a trickle until ballots are being mined; then, with mining held,
    // a burst the API accepts and sends but the chain does not mine; then, with the API frozen, a
    // burst it never answers; then the kill.
    const trickle = bodies.slice(0, 48);
    const held = bodies.slice(48, 96);
    const unanswered = bodies.slice(96);
    for (const body of trickle) {
      await send(body);
      await new Promise((r) => setTimeout(r, 25));
    }
    await eventually(async () => ((await countBallots(stack)) > 0 ? true : null), 30_000, "a mined ballot");
    await stack.provider.send("evm_setIntervalMining", [0]);
    let killedAt: { accepted: number; onChain: number; inFlight: number };
    try {
      await Promise.all(held.map(send));
      first.freeze();
      const sending = unanswered.map(send);
      await new Promise((r) => setTimeout(r, 500));
      await first.kill();
      await Promise.all(sending);
      const db = new Database(path.join(stack.config.dataDir, "api.sqlite"), { readonly: true });
      const inFlight =
        db.prepare<[], { c: number }>("SELECT COUNT(*) AS c FROM ballots WHERE status IN ('accepted', 'sent')").get()
          ?.c ?? 0;
      db.close();
      killedAt = { accepted: accepted.size, onChain: await countBallots(stack), inFlight };
    } finally {
      await stack.provider.send("evm_setIntervalMining", [1]);
    }
    // Ballots were caught between "accepted" and "mined", and requests were cut off unanswered.
    expect(killedAt.inFlight).to.be.at.least(held.length);
    expect(killedAt.accepted).to.equal(trickle.length + held.length);
    const { onChain: onChainAtKill, inFlight } = killedAt;

    const second = await spawnApi(env, port);
    try {
      for (const id of accepted) {
        await eventually(
          async () => {
            const res = await fetch(`${second.url}/api/ballots/${id}`);
            const body = (await res.json()) as Answer;
            return body.status === "mined" ? true : null;
          },
          60_000,
          `ballot ${id} mined`,
        );
      }
    } finally {
      await second.stop();
    }

    const counted = await countedLeaves(stack);
    for (const id of accepted) expect(counted.get(id), `ballot ${id}`).to.equal(1);
    for (const [leaf, n] of counted) expect(n, `leaf ${leaf} counted once`).to.equal(1);
    console.log(
      `      accepted ${accepted.size}, on-chain at the kill ${onChainAtKill}, in the outbox unmined at the kill ${inFlight}, on-chain after restart ${counted.size}, each once`,
    );
  });
});
