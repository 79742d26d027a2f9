/**
 * Fixtures for the bad-input suite: a resident signed in with an enrolled key (and a revoked one),
 * polls in several states, accepted ballots, a listed reward, plus signed requests that are valid in
 * form but must be refused deep inside a handler. Also the before/after snapshot of store and chain.
 */
import { Wallet } from "ethers";
import type { HDNodeWallet } from "ethers";
import { STAFF_TOKEN, createPoll, eventually, http, signedBallot, tableRowCounts } from "./harness";
import type { Stack } from "./harness";
import {
  PASSWORD,
  enrolThroughApi,
  enrolmentProof,
  me,
  redemptionSignature,
  registerResident,
  signedInResident,
} from "./residentHelpers";
import type { Grant } from "./residentHelpers";
import { highS, json } from "./badInputRequests";
import type { HostileRequest, Sample } from "./badInputRequests";

export interface Fixtures {
  session: string;
  expiredSession: string;
  signedOutSession: string;
  /** Valid-looking input per endpoint ("POST /api/ballots"), the starting point of each mutation. */
  samples: Map<string, Sample>;
  /** The accepted ballot of the single-vote poll: signatures to corrupt and retarget. */
  accepted: { pollId: string; choices: string; revision: string; signature: string; ballotId: string };
  pollIds: number[];
  rewardId: number;
  /** Requests built from real signatures that must reach deep checks and be refused with these codes. */
  deep: HostileRequest[];
  /** Only a few: each costs an argon2 verification. */
  logins: HostileRequest[];
}

const post = (endpoint: string, path: string, body: unknown, token: string | null, expectCodes: string[]) =>
  ({
    endpoint,
    fault: "deep",
    method: "POST",
    path,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : json(body),
    expectCodes,
  }) satisfies HostileRequest;

export async function buildFixtures(stack: Stack, restartApi: (env: Record<string, string>) => Promise<void>) {
  // Resident A: activated, enrolled twice (the first key is revoked), votes in two polls.
  const a = await registerResident(stack, 1);
  const activated = await http<Grant>(stack, "POST", "/api/auth/activate", { ...a, password: PASSWORD });
  if (activated.status !== 200) throw new Error(`activation failed: ${JSON.stringify(activated.body)}`);
  const session = activated.body.token;
  const { key: revokedKey } = await enrolThroughApi(stack, session);
  const { key } = await enrolThroughApi(stack, session);
  const { residentHash } = await me(stack, session);

  const single = await createPoll(stack);
  const revote = await createPoll(stack, { revote: true });
  const scoped = await createPoll(stack, { districts: [7] });
  const cancelled = await createPoll(stack);
  await (await stack.staff.cancelPoll(cancelled)).wait();
  await (await stack.staff.listReward(1_000_000, 5, "data:text/plain,Theatre ticket")).wait();
  const rewardId = Number(await stack.staff.rewardCount()) - 1;

  const ballot = (signer: HDNodeWallet | Wallet, pollId: number, choices: bigint, revision: bigint) =>
    signedBallot(stack, signer, { pollId: BigInt(pollId), choices, revision });
  const first = await ballot(key, single, 1n, 1n);
  const third = await ballot(key, revote, 2n, 3n);
  const ids: string[] = [];
  for (const b of [first, third]) {
    const res = await http<{ ballotId: string }>(stack, "POST", "/api/ballots", b);
    if (res.status !== 202) throw new Error(`ballot refused: ${JSON.stringify(res.body)}`);
    ids.push(res.body.ballotId);
  }
  for (const id of ids) {
    await eventually(async () => {
      const res = await http<{ status: string }>(stack, "GET", `/api/ballots/${id}?wait=5`);
      return res.body.status === "mined" ? true : null;
    });
  }

  // Resident B signs out; resident C is registered but never activated; resident E has no key.
  const b = await signedInResident(stack);
  await http(stack, "POST", "/api/auth/logout", undefined, b.token);
  const c = await registerResident(stack, 2);
  const e = await signedInResident(stack, 3);
  // Resident D signs in under a one-second session lifetime, so their token has expired by the run.
  await restartApi({ SESSION_TTL_SECONDS: "1" });
  const d = await signedInResident(stack);
  await new Promise((r) => setTimeout(r, 1_500));

  const stranger = Wallet.createRandom();
  const ballots = "POST /api/ballots";
  const deep: HostileRequest[] = [
    [await ballot(key, single, 2n, 1n), ["BALLOT_ALREADY_CAST"]],
    [await ballot(key, single, 1n, 2n), ["BALLOT_ALREADY_CAST"]],
    [await ballot(key, single, 3n, 1n), ["BALLOT_INVALID_CHOICES"]],
    [await ballot(key, revote, 1n, 1n), ["BALLOT_STALE_REVISION"]],
    [await ballot(key, revote, 1n, 3n), ["BALLOT_STALE_REVISION"]],
    [await ballot(key, scoped, 1n, 1n), ["VOTER_NOT_IN_SCOPE"]],
    [await ballot(key, cancelled, 1n, 1n), ["POLL_NOT_ACTIVE"]],
    [await ballot(key, 4_000_000, 1n, 1n), ["POLL_NOT_FOUND"]],
    [await ballot(revokedKey, revote, 1n, 5n), ["VOTER_KEY_REVOKED"]],
    [await ballot(stranger, single, 1n, 1n), ["VOTER_NOT_ENROLLED"]],
    [{ ...first, pollId: String(revote) }, ["VOTER_NOT_ENROLLED"]],
    [{ ...third, pollId: String(single) }, ["VOTER_NOT_ENROLLED"]],
    [{ ...first, choices: "2" }, ["VOTER_NOT_ENROLLED"]],
    [{ ...first, signature: highS(first.signature) }, ["BALLOT_INVALID_SIGNATURE"]],
    [{ ...first, signature: `${first.signature.slice(0, 130)}1d` }, ["BALLOT_INVALID_SIGNATURE"]],
  ].map(([body, codes]) => post(ballots, "/api/ballots", body, null, codes as string[]));

  const fresh = Wallet.createRandom();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const voterKey = "POST /api/me/voter-key";
  deep.push(
    post(voterKey, "/api/me/voter-key", await enrolmentProof(stack, residentHash, revokedKey, revokedKey), session, [
      "KEY_TAKEN",
    ]),
    post(voterKey, "/api/me/voter-key", await enrolmentProof(stack, residentHash, fresh, key), session, [
      "KEY_PROOF_INVALID",
    ]),
    post(voterKey, "/api/me/voter-key", await enrolmentProof(stack, residentHash, fresh, fresh, hourAgo), session, [
      "KEY_PROOF_INVALID",
    ]),
    post(voterKey, "/api/me/voter-key", await enrolmentProof(stack, `0x${"11".repeat(32)}`, fresh, fresh), session, [
      "KEY_PROOF_INVALID",
    ]),
  );

  const redeem = "POST /api/rewards/{rewardId}/redeem";
  const consent = async (signer: HDNodeWallet, nonce: number) => ({
    signature: await redemptionSignature(stack, signer, rewardId, nonce),
  });
  deep.push(
    post(redeem, `/api/rewards/${rewardId}/redeem`, await consent(key, 0), session, ["POINTS_INSUFFICIENT"]),
    post(redeem, `/api/rewards/${rewardId}/redeem`, await consent(key, 7), session, ["CONSENT_INVALID"]),
    post(redeem, `/api/rewards/${rewardId}/redeem`, await consent(revokedKey, 0), session, ["CONSENT_INVALID"]),
    post(redeem, `/api/rewards/${rewardId + 1}/redeem`, await consent(key, 0), session, ["REWARD_UNAVAILABLE"]),
    post(redeem, `/api/rewards/${rewardId}/redeem`, await consent(key, 0), e.token, ["NO_VOTER_KEY"]),
  );

  const activate = "POST /api/auth/activate";
  deep.push(
    post(activate, "/api/auth/activate", { ...a, password: "a strong new password" }, null, ["ALREADY_ACTIVATED"]),
    post(activate, "/api/auth/activate", { ...a, code: a.code.toLowerCase(), password: PASSWORD }, null, [
      "ALREADY_ACTIVATED",
    ]),
    post(activate, "/api/auth/activate", { ...a, password: "short" }, null, ["PASSWORD_WEAK"]),
    post(activate, "/api/auth/activate", { ...c, password: "aaaaaaaaaaaa" }, null, ["PASSWORD_WEAK"]),
    post(activate, "/api/auth/activate", { ...c, code: "ZZZZZZZZZZZZ", password: PASSWORD }, null, [
      "ACTIVATION_INVALID",
    ]),
    post(activate, "/api/auth/activate", { residentId: a.residentId, code: c.code, password: PASSWORD }, null, [
      "ACTIVATION_INVALID",
      "ALREADY_ACTIVATED",
    ]),
    post(
      "POST /api/admin/residents/{residentId}/activation-code",
      `/api/admin/residents/${a.residentId}/activation-code`,
      undefined,
      STAFF_TOKEN,
      ["ALREADY_ACTIVATED"],
    ),
    post(
      "POST /api/admin/residents/{residentId}/activation-code",
      "/api/admin/residents/nobody-here/activation-code",
      undefined,
      STAFF_TOKEN,
      ["RESIDENT_NOT_FOUND"],
    ),
  );
  deep.push(
    post("POST /api/admin/residents", "/api/admin/residents", { pad: "x".repeat(4_300_000) }, STAFF_TOKEN, [
      "PAYLOAD_TOO_LARGE",
    ]),
  );
  // Every failure below is counted against resident C, who then stays locked: that is the rule.
  const logins = Array.from({ length: 7 }, (_, i) =>
    post("POST /api/auth/login", "/api/auth/login", { residentId: c.residentId, password: `guess ${i}` }, null, [
      "LOGIN_FAILED",
      "ACCOUNT_LOCKED",
    ]),
  );
  logins.push(
    post("POST /api/auth/login", "/api/auth/login", { residentId: "nobody-at-all", password: PASSWORD }, null, [
      "LOGIN_FAILED",
    ]),
  );

  const receipt = { pollId: single, leafIndex: 0, leaf: ids[0], txHash: `0x${"ab".repeat(32)}`, block: 1 };
  const samples = new Map<string, Sample>([
    [ballots, { params: {}, query: {}, body: first }],
    ["GET /api/ballots/{ballotId}", { params: { ballotId: ids[0]! }, query: { wait: "1" }, body: undefined }],
    ["GET /api/polls/{pollId}", { params: { pollId: String(single) }, query: {}, body: undefined }],
    [
      "POST /api/receipts/verify",
      {
        params: {},
        query: {},
        body: { ...receipt, ballotBox: stack.deployment.ballotBox, chainId: stack.deployment.chainId },
      },
    ],
    [voterKey, { params: {}, query: {}, body: await enrolmentProof(stack, residentHash, fresh, key) }],
    [redeem, { params: { rewardId: String(rewardId) }, query: {}, body: await consent(key, 7) }],
    [activate, { params: {}, query: {}, body: { ...c, code: "ZZZZZZZZZZZZ", password: PASSWORD } }],
    ["POST /api/auth/login", { params: {}, query: {}, body: { residentId: c.residentId, password: PASSWORD } }],
    [
      "POST /api/admin/residents",
      { params: {}, query: {}, body: { residents: [{ residentId: "new-1", district: 4, building: "Arbat 1" }] } },
    ],
    [
      "POST /api/admin/residents/{residentId}/activation-code",
      { params: { residentId: a.residentId }, query: {}, body: undefined },
    ],
  ]);
  for (const pollPath of ["ballots", "proof/{leafIndex}", "timeline", "result"]) {
    samples.set(`GET /api/polls/{pollId}/${pollPath}`, {
      params: { pollId: String(single), leafIndex: "0" },
      query: {},
      body: undefined,
    });
  }

  const fixtures: Fixtures = {
    session,
    expiredSession: d.token,
    signedOutSession: b.token,
    samples,
    accepted: { ...first, ballotId: ids[0]! },
    pollIds: [single, revote, scoped, cancelled],
    rewardId,
    deep,
    logins,
  };
  return { fixtures, exactReplay: first };
}

/**
 * Row counts of every table but the indexer's block log and the sign-in failure counters (a wrong
 * password for any id, known or not, is counted: that is how locks work), and the chain state bad
 * input must not move.
 */
export async function snapshot(stack: Stack, f: Fixtures) {
  // Leases are renewed all the time, reservations lapse on their own, and sign-in attempts are counted
  // whatever their outcome (that is the lockout rule): none of these is a change the request made.
  const rows = await tableRowCounts(stack, [
    "indexer_blocks",
    "indexer_cursor",
    "leases",
    "ballot_reservations",
    "login_attempts",
  ]);
  const box = stack.staff;
  const keys = stack.chain.keys;
  const accounts = [keys.registrar, keys.staff, ...keys.relayers].map((k) => new Wallet(k.privateKey).address);
  const reward = await box.reward(f.rewardId);
  return {
    rows,
    polls: await Promise.all(
      f.pollIds.map(async (id) => ({
        id,
        root: await box.ballotRoot(id),
        tallies: (await box.tallies(id)).map(String),
      })),
    ),
    residentCount: Number(await box.residentCount()),
    pollCount: Number(await box.pollCount()),
    reward: { stock: Number(reward.stock), active: reward.active },
    nonces: await Promise.all(accounts.map((a) => stack.provider.getTransactionCount(a, "pending"))),
  };
}
