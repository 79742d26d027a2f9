import crypto from "node:crypto";
import { expect } from "chai";
import { STAFF_TOKEN, http, startStack } from "./harness";
import type { Stack } from "./harness";
import { PASSWORD, importResidents, newResidentId, registerResident, signedInResident } from "./residentHelpers";
import type { ErrorBody, Grant } from "./residentHelpers";

interface Stats {
  total: number;
  activated: number;
  withKey: number;
}

describe("api resident register and sign-in", function () {
  this.timeout(120_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "10000" } });
  });
  after(async () => {
    await stack?.stop();
  });

  const stats = async () =>
    (await http<Stats>(stack, "GET", "/api/admin/residents/stats", undefined, STAFF_TOKEN)).body;
  const row = (residentId: string) =>
    stack.api!.veche.ctx.sql.get<{ code_hash: string; password_hash: string | null; activated_at: number | null }>(
      "SELECT code_hash, password_hash, activated_at FROM residents WHERE resident_id = ?",
      [residentId],
    );
  const activate = (body: unknown) => http<Grant & ErrorBody>(stack, "POST", "/api/auth/activate", body);
  const login = (residentId: string, password: string) =>
    http<Grant & ErrorBody>(stack, "POST", "/api/auth/login", { residentId, password });

  describe("import", () => {
    it("issues one unambiguous code per new resident and stores only its hash", async () => {
      const ids = [newResidentId(), newResidentId()];
      const before = await stats();
      const answer = await importResidents(
        stack,
        ids.map((residentId, i) => ({ residentId, district: i + 1, building: `Arbat ${i}` })),
      );
      expect(answer.existing).to.deep.equal([]);
      expect(answer.created.map((c) => c.residentId)).to.deep.equal(ids);
      for (const c of answer.created) {
        expect(c.activationCode).to.match(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10,}$/);
        const stored = await row(c.residentId);
        expect(stored?.code_hash).to.be.a("string").and.not.include(c.activationCode);
      }
      expect(answer.created[0]?.activationCode).to.not.equal(answer.created[1]?.activationCode);
      expect((await stats()).total).to.equal(before.total + 2);
    });

    it("is idempotent: a re-import creates nothing and keeps the first code valid", async () => {
      const { residentId, code } = await registerResident(stack);
      const before = await stats();
      const again = await importResidents(stack, [{ residentId, district: 9, building: "elsewhere" }]);
      expect(again).to.deep.equal({ created: [], existing: [residentId] });
      expect(await stats()).to.deep.equal(before);
      const activated = await activate({ residentId, code, password: PASSWORD });
      expect(activated.status).to.equal(200);
    });

    it("rejects the whole batch when one row is invalid, storing nothing", async () => {
      const good = newResidentId();
      const before = await stats();
      const res = await http<ErrorBody>(
        stack,
        "POST",
        "/api/admin/residents",
        {
          residents: [
            { residentId: good, district: 1, building: "ok" },
            { residentId: newResidentId(), district: -1, building: "ok" },
            { residentId: "bad id!", district: 1, building: "ok" },
          ],
        },
        STAFF_TOKEN,
      );
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("INVALID_REQUEST");
      const paths = (res.body.error.details?.issues as { path: string }[]).map((i) => i.path);
      expect(paths).to.include.members(["body.residents.1.district", "body.residents.2.residentId"]);
      expect(await stats()).to.deep.equal(before);
      expect(await row(good)).to.equal(undefined);
    });

    it("rejects a batch naming one resident twice, and one over 5000 rows", async () => {
      const id = newResidentId();
      const before = await stats();
      const twice = await http<ErrorBody>(
        stack,
        "POST",
        "/api/admin/residents",
        { residents: [id, id].map((residentId) => ({ residentId, district: 1, building: "" })) },
        STAFF_TOKEN,
      );
      expect(twice.status).to.equal(400);
      expect(twice.body.error.details?.issues).to.deep.include({
        path: "body.residents.1.residentId",
        message: "appears twice in this request",
      });
      const rows = Array.from({ length: 5001 }, (_, i) => ({ residentId: `bulk-${i}`, district: 1, building: "b" }));
      const tooMany = await http<ErrorBody>(stack, "POST", "/api/admin/residents", { residents: rows }, STAFF_TOKEN);
      expect(tooMany.status).to.equal(400);
      expect(tooMany.body.error.code).to.equal("INVALID_REQUEST");
      expect(await stats()).to.deep.equal(before);
    });

    it("takes 5000 rows in one call", async () => {
      const prefix = newResidentId("bulk");
      const rows = Array.from({ length: 5000 }, (_, i) => ({
        residentId: `${prefix}-${i}`,
        district: i % 12,
        building: "Novy Arbat 21, entrance 3",
      }));
      const before = await stats();
      const answer = await importResidents(stack, rows);
      expect(answer.created).to.have.length(5000);
      expect((await stats()).total).to.equal(before.total + 5000);
    });

    it("refuses staff routes without the staff token, changing nothing", async () => {
      const { token } = await signedInResident(stack);
      const before = await stats();
      const body = { residents: [{ residentId: newResidentId(), district: 1, building: "x" }] };
      const missing = await http<ErrorBody>(stack, "POST", "/api/admin/residents", body);
      expect(missing.status).to.equal(401);
      expect(missing.body.error.code).to.equal("AUTH_REQUIRED");
      for (const wrong of [`${STAFF_TOKEN}x`, "another-token-of-enough-length", token]) {
        const res = await http<ErrorBody>(stack, "POST", "/api/admin/residents", body, wrong);
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal("STAFF_TOKEN_INVALID");
      }
      const stat = await http<ErrorBody>(stack, "GET", "/api/admin/residents/stats", undefined, token);
      expect(stat.body.error.code).to.equal("STAFF_TOKEN_INVALID");
      expect(await stats()).to.deep.equal(before);
    });

    it("re-issues a code for a resident not yet activated; the old code stops working", async () => {
      const { residentId, code } = await registerResident(stack);
      const reissued = await http<{ residentId: string; activationCode: string }>(
        stack,
        "POST",
        `/api/admin/residents/${residentId}/activation-code`,
        undefined,
        STAFF_TOKEN,
      );
      expect(reissued.status).to.equal(200);
      expect(reissued.body.activationCode).to.not.equal(code);
      const old = await activate({ residentId, code, password: PASSWORD });
      expect(old.body.error.code).to.equal("ACTIVATION_INVALID");
      const fresh = await activate({ residentId, code: reissued.body.activationCode, password: PASSWORD });
      expect(fresh.status).to.equal(200);
      const after = await http<ErrorBody>(
        stack,
        "POST",
        `/api/admin/residents/${residentId}/activation-code`,
        undefined,
        STAFF_TOKEN,
      );
      expect(after.status).to.equal(409);
      expect(after.body.error.code).to.equal("ALREADY_ACTIVATED");
      const unknown = await http<ErrorBody>(
        stack,
        "POST",
        `/api/admin/residents/${newResidentId()}/activation-code`,
        undefined,
        STAFF_TOKEN,
      );
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal("RESIDENT_NOT_FOUND");
    });
  });

  describe("activation", () => {
    it("sets the password and opens a session", async () => {
      const { residentId, code } = await registerResident(stack, 4, "Lenina 1");
      const before = await stats();
      // Typed as a person might: lower case, in groups.
      const typed = code.toLowerCase().replace(/(.{4})(?!$)/g, "$1-");
      const res = await activate({ residentId, code: typed, password: PASSWORD });
      expect(res.status).to.equal(200);
      expect(Date.parse(res.body.expiresAt)).to.be.greaterThan(Date.now());
      expect((await stats()).activated).to.equal(before.activated + 1);
      const me = await http<{ residentId: string; district: number; building: string }>(
        stack,
        "GET",
        "/api/me",
        undefined,
        res.body.token,
      );
      expect(me.body).to.include({ residentId, district: 4, building: "Lenina 1" });
      expect((await row(residentId))?.password_hash).to.match(/^\$argon2id\$/);
    });

    it("refuses a wrong code or an unknown resident alike, changing nothing", async () => {
      const { residentId, code } = await registerResident(stack);
      const before = await stats();
      const wrong = await activate({ residentId, code: "ABCDEFGHJKMN", password: PASSWORD });
      const unknown = await activate({ residentId: newResidentId(), code, password: PASSWORD });
      for (const res of [wrong, unknown]) {
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal("ACTIVATION_INVALID");
      }
      expect(wrong.body.error.message).to.equal(unknown.body.error.message);
      expect((await row(residentId))?.activated_at).to.equal(null);
      expect(await stats()).to.deep.equal(before);
      expect((await activate({ residentId, code, password: PASSWORD })).status).to.equal(200);
    });

    it("refuses a second activation and keeps the first password", async () => {
      const { residentId, code } = await registerResident(stack);
      expect((await activate({ residentId, code, password: PASSWORD })).status).to.equal(200);
      const hash = (await row(residentId))?.password_hash;
      const again = await activate({ residentId, code, password: "another long password" });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("ALREADY_ACTIVATED");
      expect((await row(residentId))?.password_hash).to.equal(hash);
      expect((await login(residentId, PASSWORD)).status).to.equal(200);
      expect((await login(residentId, "another long password")).status).to.equal(401);
    });

    it("refuses a weak password, leaving the account unactivated", async () => {
      const { residentId, code } = await registerResident(stack);
      for (const password of ["short", "123456789", "aaaaaaaaaaaa"]) {
        const res = await activate({ residentId, code, password });
        expect(res.status).to.equal(400);
        expect(res.body.error.code).to.equal("PASSWORD_WEAK");
      }
      expect((await row(residentId))?.activated_at).to.equal(null);
      expect((await activate({ residentId, code, password: PASSWORD })).status).to.equal(200);
    });

    it("lets only one of two racing activations set the password", async () => {
      const { residentId, code } = await registerResident(stack);
      const answers = await Promise.all([
        activate({ residentId, code, password: "first racing password" }),
        activate({ residentId, code, password: "second racing password" }),
      ]);
      expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 409]);
    });
  });

  describe("login and sessions", () => {
    it("signs in, stores only a hash of the token, and signs out", async () => {
      const { residentId } = await signedInResident(stack);
      const res = await login(residentId, PASSWORD);
      expect(res.status).to.equal(200);
      const token = res.body.token;
      expect(Buffer.from(token, "base64url")).to.have.length(32);
      const sql = stack.api!.veche.ctx.sql;
      const hash = crypto.createHash("sha256").update(token).digest("hex");
      expect(await sql.get("SELECT resident_id FROM sessions WHERE token_hash = ?", [hash])).to.deep.equal({
        resident_id: residentId,
      });
      expect(await sql.get("SELECT COUNT(*) AS c FROM sessions WHERE token_hash = ?", [token])).to.deep.equal({
        c: 0,
      });

      expect((await http(stack, "GET", "/api/me", undefined, token)).status).to.equal(200);
      const out = await http(stack, "POST", "/api/auth/logout", undefined, token);
      expect(out).to.deep.equal({ status: 200, body: { ok: true } });
      const after = await http<ErrorBody>(stack, "GET", "/api/me", undefined, token);
      expect(after.status).to.equal(401);
      expect(after.body.error.code).to.equal("SESSION_INVALID");
    });

    it("answers LOGIN_FAILED alike for an unknown resident and a wrong password", async () => {
      const { residentId } = await signedInResident(stack);
      const wrong = await login(residentId, "not the password at all");
      const unknown = await login(newResidentId(), PASSWORD);
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      expect(wrong.body).to.deep.equal(unknown.body);
      expect(wrong.body.error.code).to.equal("LOGIN_FAILED");
    });

    it("locks the account after 5 failures and refuses even the right password while locked", async () => {
      const { residentId } = await signedInResident(stack);
      const sessionsBefore = await stack.api!.veche.ctx.sql.get("SELECT COUNT(*) AS c FROM sessions");
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) codes.push((await login(residentId, `wrong password ${i}`)).body.error.code);
      expect(codes).to.deep.equal(["LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED", "ACCOUNT_LOCKED"]);
      const locked = await login(residentId, PASSWORD);
      expect(locked.status).to.equal(423);
      expect(locked.body.error.code).to.equal("ACCOUNT_LOCKED");
      const retry = locked.body.error.details?.retryAfterSeconds as number;
      expect(retry).to.be.within(stack.config.lockoutSeconds - 5, stack.config.lockoutSeconds);
      expect(await stack.api!.veche.ctx.sql.get("SELECT COUNT(*) AS c FROM sessions")).to.deep.equal(sessionsBefore);
    });

    it("does not let parallel guesses go past the limit", async () => {
      const { residentId } = await signedInResident(stack);
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => login(residentId, `parallel wrong password ${i}`)),
      );
      expect(answers.every((a) => a.status === 401 || a.status === 423)).to.equal(true);
      expect(answers.filter((a) => a.status === 401).length).to.be.at.most(4);
      expect((await login(residentId, PASSWORD)).status).to.equal(423);
    });

    it("resets the failure count after a successful sign-in", async () => {
      const { residentId } = await signedInResident(stack);
      for (let i = 0; i < 4; i++) await login(residentId, `wrong password ${i}`);
      expect((await login(residentId, PASSWORD)).status).to.equal(200);
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) codes.push((await login(residentId, `wrong again ${i}`)).body.error.code);
      expect(codes).to.deep.equal(["LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED", "ACCOUNT_LOCKED"]);
    });

    it("answers an unknown id exactly as a known one, locks included, so no answer tells who exists", async () => {
      const { residentId } = await signedInResident(stack);
      const unknownId = newResidentId();
      const timed = async (id: string, password: string) => {
        const started = process.hrtime.bigint();
        const answer = await login(id, password);
        return { answer, ms: Number(process.hrtime.bigint() - started) / 1e6 };
      };
      const known: Awaited<ReturnType<typeof timed>>[] = [];
      const unknown: Awaited<ReturnType<typeof timed>>[] = [];
      for (let i = 0; i < 7; i++) {
        known.push(await timed(residentId, `wrong password ${i}`));
        unknown.push(await timed(unknownId, `wrong password ${i}`));
      }
      const shape = (a: (typeof known)[number]) => ({
        status: a.answer.status,
        code: a.answer.body.error.code,
        message: a.answer.body.error.message,
        retry: a.answer.body.error.details?.retryAfterSeconds,
      });
      expect(unknown.map(shape)).to.deep.equal(known.map(shape));
      expect(known.map((a) => a.answer.status)).to.deep.equal([401, 401, 401, 401, 423, 423, 423]);
      // Each failure before the lock costs one password check, known id or not.
      // The fastest of each: what a check costs when nothing else on the machine got in its way.
      const fastest = (xs: number[]) => Math.min(...xs);
      const knownMs = fastest(known.slice(0, 4).map((a) => a.ms));
      const unknownMs = fastest(unknown.slice(0, 4).map((a) => a.ms));
      expect(unknownMs, `unknown ${unknownMs} ms, known ${knownMs} ms`).to.be.within(knownMs / 2, knownMs * 2);
    });

    it("asks for a token on resident routes and refuses unknown ones", async () => {
      const missing = await http<ErrorBody>(stack, "GET", "/api/me");
      expect(missing.status).to.equal(401);
      expect(missing.body.error.code).to.equal("AUTH_REQUIRED");
      const unknown = await http<ErrorBody>(
        stack,
        "GET",
        "/api/me/polls",
        undefined,
        crypto.randomBytes(32).toString("base64url"),
      );
      expect(unknown.status).to.equal(401);
      expect(unknown.body.error.code).to.equal("SESSION_INVALID");
      const staffAsResident = await http<ErrorBody>(stack, "GET", "/api/me", undefined, STAFF_TOKEN);
      expect(staffAsResident.body.error.code).to.equal("SESSION_INVALID");
    });
  });

  it("answers bad input on every resident route with a 4xx, never a 5xx", async () => {
    const { token } = await signedInResident(stack);
    const cases: [string, string, unknown, string | undefined][] = [
      ["POST", "/api/auth/activate", { residentId: 5, code: [], password: {} }, undefined],
      ["POST", "/api/auth/activate", { residentId: "a", code: "b", password: "x".repeat(300) }, undefined],
      ["POST", "/api/auth/login", "just a string", undefined],
      ["POST", "/api/auth/login", { residentId: "x".repeat(65), password: "p" }, undefined],
      ["POST", "/api/auth/login", { residentId: "a", password: "p", extra: 1 }, undefined],
      ["POST", "/api/admin/residents", { residents: "all" }, STAFF_TOKEN],
      [
        "POST",
        "/api/admin/residents",
        { residents: [{ residentId: "a", district: 2 ** 32, building: "b" }] },
        STAFF_TOKEN,
      ],
      ["POST", "/api/admin/residents", { residents: [{ residentId: "a", district: 1.5, building: "b" }] }, STAFF_TOKEN],
      [
        "POST",
        "/api/admin/residents",
        { residents: [{ residentId: "a", district: 1, building: "b".repeat(101) }] },
        STAFF_TOKEN,
      ],
      ["POST", `/api/admin/residents/${"x".repeat(65)}/activation-code`, undefined, STAFF_TOKEN],
      ["POST", "/api/me/voter-key", { address: "0x12", issuedAt: "now", signature: "0x" }, token],
      [
        "POST",
        "/api/me/voter-key",
        { address: `0x${"ab".repeat(20)}`, issuedAt: "2024-13-45T00:00:00Z", signature: `0x${"11".repeat(65)}` },
        token,
      ],
      ["POST", "/api/me/voter-key", [], token],
      ["POST", "/api/rewards/abc/redeem", { signature: `0x${"11".repeat(65)}` }, token],
      ["POST", "/api/rewards/99999999999999999999/redeem", { signature: `0x${"11".repeat(65)}` }, token],
      ["POST", "/api/rewards/0/redeem", { signature: "nope" }, token],
      ["POST", "/api/rewards/0/redeem", { signature: `0x${"11".repeat(65)}` }, token],
    ];
    for (const [method, path, body, auth] of cases) {
      const res = await http<ErrorBody>(stack, method, path, body, auth);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).to.be.within(400, 499);
      expect(res.body.error.code).to.be.a("string");
    }
    const raw = await fetch(`${stack.api!.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(raw.status).to.equal(400);
  });
});
