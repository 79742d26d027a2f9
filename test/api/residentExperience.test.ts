/**
 * API parts of the resident's and observer's experience: password reset with a staff-issued code,
 * who may vote and turnout per poll, replaced ballots in the ledger list, points history with voucher
 * codes, and the readable API docs page.
 */
import { expect } from "chai";
import { encodeChoices } from "../../contracts/protocol";
import { STAFF_TOKEN, createPoll, eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";
import {
  PASSWORD,
  enrolThroughApi,
  redemptionSignature,
  registerResident,
  resyncStaffNonce,
  signedInResident,
} from "./residentHelpers";
import type { ErrorBody, Grant } from "./residentHelpers";

interface Reset {
  residentId: string;
  resetCode: string;
  expiresAt: string;
}

describe("api: resident experience", function () {
  this.timeout(120_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "10000" } });
  });
  after(async () => {
    await stack?.stop();
  });

  const issueReset = (residentId: string) =>
    http<Reset & ErrorBody>(stack, "POST", `/api/admin/residents/${residentId}/reset-code`, {}, STAFF_TOKEN);
  const reset = (body: unknown) => http<{ ok: boolean } & ErrorBody>(stack, "POST", "/api/auth/reset", body);
  const login = (residentId: string, password: string) =>
    http<Grant & ErrorBody>(stack, "POST", "/api/auth/login", { residentId, password });

  it("resets a forgotten password with a staff-issued code that works once", async () => {
    const { residentId } = await signedInResident(stack);
    const issued = await issueReset(residentId);
    expect(issued.status).to.equal(200);
    expect(issued.body.resetCode).to.match(/^[23456789A-Z]{12}$/);
    expect(Date.parse(issued.body.expiresAt) - Date.now()).to.be.greaterThan(71 * 3600 * 1000);

    const weak = await reset({ residentId, code: issued.body.resetCode, password: "short" });
    expect(weak.body.error.code).to.equal("PASSWORD_WEAK");
    const wrong = await reset({ residentId, code: "AAAA-BBBB-CCCC", password: "a brand new password" });
    expect([wrong.status, wrong.body.error.code]).to.deep.equal([401, "RESET_CODE_INVALID"]);

    // Typed as a person would: lower case, with dashes.
    const typed = issued.body.resetCode.toLowerCase().replace(/(.{4})(.{4})/, "$1-$2-");
    const done = await reset({ residentId, code: typed, password: "a brand new password" });
    expect([done.status, done.body.ok]).to.deep.equal([200, true]);
    expect((await login(residentId, PASSWORD)).body.error.code).to.equal("LOGIN_FAILED");
    expect((await login(residentId, "a brand new password")).status).to.equal(200);

    const again = await reset({ residentId, code: issued.body.resetCode, password: "yet another password" });
    expect(again.body.error.code).to.equal("RESET_CODE_INVALID");
  });

  it("refuses a reset code for a resident who never activated, an unknown one, or without the staff token", async () => {
    const { residentId } = await registerResident(stack);
    expect((await issueReset(residentId)).body.error.code).to.equal("NOT_ACTIVATED");
    expect((await issueReset("nobody-here")).body.error.code).to.equal("RESIDENT_NOT_FOUND");
    const anonymous = await http<ErrorBody>(stack, "POST", `/api/admin/residents/${residentId}/reset-code`, {});
    expect(anonymous.status).to.equal(401);
    const bad = await reset({ residentId: "bad id!", code: "x", password: "a brand new password" });
    expect(bad.body.error.code).to.equal("INVALID_REQUEST");
  });

  it("counts who may vote and who voted, and marks a replaced ballot in the ledger list", async () => {
    const district = 41;
    const pollId = await createPoll(stack, { districts: [district], revote: true });
    const voter = await signedInResident(stack, district);
    await registerResident(stack, district); // registered, not activated: eligible but without a key
    const { key } = await enrolThroughApi(stack, voter.token);
    for (const revision of [1n, 2n]) {
      const body = await signedBallot(stack, key, {
        pollId: BigInt(pollId),
        choices: encodeChoices([{ options: 2, maxChoices: 1 }], [[Number(revision) - 1]]),
        revision,
      });
      expect((await http(stack, "POST", "/api/ballots", body, voter.token)).status).to.equal(202);
      await eventually(async () => {
        const d = await http<{ ballots: number }>(stack, "GET", `/api/polls/${pollId}`);
        return d.body.ballots >= Number(revision) ? true : null;
      });
    }
    const detail = await eventually(async () => {
      const d = await http<{ ballots: number; voters: number; eligible: { registered: number; enrolled: number } }>(
        stack,
        "GET",
        `/api/polls/${pollId}`,
      );
      return d.body.voters === 1 && d.body.eligible.enrolled === 1 ? d.body : null;
    });
    expect(detail.ballots).to.equal(2);
    expect(detail.eligible).to.deep.equal({ registered: 2, enrolled: 1 });
    const listed = await eventually(async () => {
      const list = await http<{ ballots: { revision: number; replaced: boolean }[] }>(
        stack,
        "GET",
        `/api/polls/${pollId}/ballots`,
      );
      return list.body.ballots.length === 2 ? list.body.ballots : null;
    });
    expect(listed.map((b) => [b.revision, b.replaced])).to.deep.equal([
      [1, true],
      [2, false],
    ]);
  });

  it("keeps a points history and gives each redemption a voucher code staff can look up", async () => {
    const pollId = await createPoll(stack, { districts: [42], points: 30 });
    resyncStaffNonce(stack);
    await (await stack.staff.listReward(20, 5, "data:text/plain,Museum")).wait();
    const rewardId = Number(await stack.staff.rewardCount()) - 1;
    const resident = await signedInResident(stack, 42);
    const { key } = await enrolThroughApi(stack, resident.token);
    const ballot = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 1n, revision: 1n });
    await http(stack, "POST", "/api/ballots", ballot, resident.token);
    await eventually(async () => {
      const p = await http<{ balance: number }>(stack, "GET", "/api/me/points", undefined, resident.token);
      return p.body.balance === 30 ? true : null;
    });
    const signature = await redemptionSignature(stack, key, rewardId, 0);
    const redeemed = await http<{ voucher: string; txHash: string }>(
      stack,
      "POST",
      `/api/rewards/${rewardId}/redeem`,
      { signature },
      resident.token,
    );
    resyncStaffNonce(stack);
    expect(redeemed.body.voucher).to.match(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);

    // The history comes from the index, which follows the chain within a block or two.
    const history = await eventually(async () => {
      const res = await http<{
        earned: { pollId: number; points: number }[];
        redemptions: { rewardId: number; cost: number; voucher: string; txHash: string }[];
      }>(stack, "GET", "/api/me/points/history", undefined, resident.token);
      return res.body.redemptions.length > 0 ? res : null;
    });
    expect(history.body.earned).to.deep.include({ ...history.body.earned[0], pollId, points: 30 });
    expect(history.body.redemptions).to.have.length(1);
    expect(history.body.redemptions[0]).to.include({ rewardId, cost: 20, voucher: redeemed.body.voucher });

    const lookup = await http<{ txHash: string; rewardId: number }>(
      stack,
      "GET",
      `/api/admin/vouchers/${redeemed.body.voucher.toLowerCase()}`,
      undefined,
      STAFF_TOKEN,
    );
    expect(lookup.body).to.include({ txHash: redeemed.body.txHash, rewardId });
    const unknown = await http<ErrorBody>(stack, "GET", "/api/admin/vouchers/AAAA-BBBB-CCCC", undefined, STAFF_TOKEN);
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, "VOUCHER_NOT_FOUND"]);
  });

  it("serves /api/docs as a readable page to browsers and as OpenAPI JSON to clients", async () => {
    const url = `${stack.api!.url}/api/docs`;
    const page = await fetch(url, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(page.headers.get("content-type")).to.match(/^text\/html/);
    const html = await page.text();
    expect(html).to.include("<h1>Veche API").and.include("/api/auth/reset").and.include("RESET_CODE_INVALID");
    const json = (await (await fetch(url)).json()) as { openapi: string };
    expect(json.openapi).to.equal("3.1.0");
  });
});
