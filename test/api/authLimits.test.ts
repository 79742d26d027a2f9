import { expect } from "chai";
import { http, startStack } from "./harness";
import type { Stack } from "./harness";
import { PASSWORD, newResidentId, signedInResident } from "./residentHelpers";
import type { ErrorBody, Grant } from "./residentHelpers";

const RATE_LIMIT = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("api sign-in limits: session expiry, lock expiry, per-IP rate limit", function () {
  this.timeout(120_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      env: { SESSION_TTL_SECONDS: "1", LOCKOUT_SECONDS: "2", AUTH_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) },
    });
  });
  after(async () => {
    await stack?.stop();
  });
  /** A fresh API over the same chain and store, with the shared sign-in counters emptied. */
  beforeEach(async () => {
    await stack.stopApi();
    await stack.startApi();
    await stack.api!.veche.ctx.sql.run("DELETE FROM rate_counters");
  });

  const login = (residentId: string, password: string) =>
    http<Grant & ErrorBody>(stack, "POST", "/api/auth/login", { residentId, password });

  it("refuses a session once it has expired", async () => {
    const { token } = await signedInResident(stack);
    expect((await http(stack, "GET", "/api/me", undefined, token)).status).to.equal(200);
    await sleep(1_300);
    const expired = await http<ErrorBody>(stack, "GET", "/api/me", undefined, token);
    expect(expired.status).to.equal(401);
    expect(expired.body.error.code).to.equal("SESSION_INVALID");
  });

  it("lets the right password in again once the lock has run out", async () => {
    const { residentId } = await signedInResident(stack);
    for (let i = 0; i < 5; i++) await login(residentId, `wrong password ${i}`);
    const locked = await login(residentId, PASSWORD);
    expect(locked.status).to.equal(423);
    expect(locked.body.error.details?.retryAfterSeconds).to.be.within(1, 2);
    await sleep(2_200);
    expect((await login(residentId, PASSWORD)).status).to.equal(200);
  });

  it("answers RATE_LIMITED once one address has made too many sign-in requests", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) statuses.push((await login(newResidentId(), PASSWORD)).status);
    expect(statuses).to.deep.equal(Array.from({ length: RATE_LIMIT }, () => 401));
    const limited = await login(newResidentId(), PASSWORD);
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal("RATE_LIMITED");
    expect(limited.body.error.details?.retryAfterSeconds).to.be.within(1, 60);
    const activation = await http<ErrorBody>(stack, "POST", "/api/auth/activate", {
      residentId: newResidentId(),
      code: "ABCDEFGHJKMN",
      password: PASSWORD,
    });
    expect(activation.body.error.code).to.equal("RATE_LIMITED");
    // Other routes are not limited.
    expect((await http(stack, "GET", "/api/polls")).status).to.equal(200);
  });
});
