/**
 * Bad input across every endpoint of /api/docs: at least 10,000 generated malformed and hostile
 * requests, each of which must get a 4xx in the standard error shape (never a 5xx, never a hang),
 * and afterwards neither the store nor the chain may have moved.
 */
import http from "node:http";
import { expect } from "chai";
import fc from "fast-check";
import { STAFF_TOKEN, http as call, startStack } from "./harness";
import type { Stack } from "./harness";
import { buildFixtures, snapshot } from "./badInputFixtures";
import type { Fixtures } from "./badInputFixtures";
import { endpointsFromDocs, hostileRequests } from "./badInputRequests";
import type { HostileRequest } from "./badInputRequests";

const REQUESTS = Number(process.env.BAD_INPUT_REQUESTS ?? 10_000);
const IN_FLIGHT = 50;
const TIMEOUT_MS = 15_000;
const CODE = /^[A-Z][A-Z0-9_]+$/;
/** The sign-in limiter must let the generated requests through to the handlers. */
const HOSTILE_ENV = { AUTH_RATE_LIMIT_PER_MINUTE: "1000000" };

interface Answer {
  status: number;
  text: string;
}

function send(agent: http.Agent, base: URL, r: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    // Host and path apart: a URL string would have "../" segments normalised away before sending.
    const req = http.request({
      host: base.hostname,
      port: base.port,
      path: r.path,
      method: r.method,
      agent,
      headers: { ...r.headers, ...(body ? { "content-length": String(body.length) } : {}) },
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Why an answer breaks the rules, or null when it is a proper refusal. */
function problem(r: HostileRequest, a: Answer): string | null {
  if (a.status < 400 || a.status > 499) return `status ${a.status}`;
  let code: unknown;
  try {
    const parsed = JSON.parse(a.text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.message !== "string") return "no error.message";
    code = parsed.error.code;
  } catch {
    return "answer is not JSON";
  }
  if (typeof code !== "string" || !CODE.test(code)) return `bad error code ${String(code)}`;
  if (r.expectCodes && !r.expectCodes.includes(code)) return `code ${code}, expected ${r.expectCodes.join("|")}`;
  return null;
}

function codeOf(a: Answer): string {
  try {
    return (JSON.parse(a.text) as { error: { code: string } }).error.code;
  } catch {
    return `(${a.status})`;
  }
}

function describeRequest(r: HostileRequest): string {
  const body = r.body === undefined ? "" : ` body=${String(r.body).slice(0, 200)}`;
  return `${r.endpoint} [${r.fault}] ${r.method} ${r.path.slice(0, 200)}${body}`;
}

describe("api bad input: generated hostile requests get a 4xx and change nothing", function () {
  this.timeout(300_000);
  let stack: Stack;
  let fixtures: Fixtures;
  let exactReplay: unknown;
  const restartApi = async (env: Record<string, string> = {}) => {
    await stack.stopApi();
    await stack.startApi({ ...HOSTILE_ENV, ...env });
  };

  before(async () => {
    stack = await startStack({ env: HOSTILE_ENV });
    ({ fixtures, exactReplay } = await buildFixtures(stack, restartApi));
    // /readyz records a probe row the first time it is asked: ask before the snapshot.
    await call(stack, "GET", "/readyz");
  });
  after(async () => {
    await stack?.stop();
  });

  it("refuses 10,000 generated requests across every documented endpoint", async () => {
    const docs = await call<{ paths: Record<string, Record<string, object>> }>(stack, "GET", "/api/docs");
    const endpoints = endpointsFromDocs(docs.body);
    expect(endpoints.length).to.be.greaterThan(20);
    const seed = Number(process.env.BAD_INPUT_SEED ?? Date.now() % 2 ** 31);
    const requests = [
      ...fixtures.deep,
      ...fixtures.logins,
      ...fc.sample(hostileRequests(endpoints, { ...fixtures, staffToken: STAFF_TOKEN }), { numRuns: REQUESTS, seed }),
    ];
    const uncovered = endpoints.filter((ep) => !requests.some((r) => r.endpoint === ep.key)).map((ep) => ep.key);
    expect(uncovered, "endpoints no request reached").to.deep.equal([]);

    const before = await snapshot(stack, fixtures);
    const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const perEndpoint = new Map<string, number>();
    const codes = new Map<string, number>();
    const failures: string[] = [];
    const started = Date.now();
    try {
      for (let i = 0; i < requests.length; i += IN_FLIGHT) {
        await Promise.all(
          requests.slice(i, i + IN_FLIGHT).map(async (r) => {
            perEndpoint.set(r.endpoint, (perEndpoint.get(r.endpoint) ?? 0) + 1);
            try {
              const answer = await send(agent, new URL(stack.api!.url), r);
              codes.set(codeOf(answer), (codes.get(codeOf(answer)) ?? 0) + 1);
              const why = problem(r, answer);
              if (why) failures.push(`${why}: ${describeRequest(r)} -> ${answer.text.slice(0, 200)}`);
            } catch (err) {
              failures.push(`${(err as Error).message}: ${describeRequest(r)}`);
            }
          }),
        );
      }
    } finally {
      agent.destroy();
    }
    const seconds = (Date.now() - started) / 1000;
    const endpointsLine = [...perEndpoint].map(([k, n]) => `${k} ${n}`).join(", ");
    const codesLine = [...codes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    console.log(
      `    bad input: ${requests.length} requests in ${seconds.toFixed(1)} s (seed ${seed}); per endpoint: ${endpointsLine}\n` +
        `    codes: ${codesLine}`,
    );
    expect(failures.slice(0, 20), `${failures.length} requests broke the rules (seed ${seed})`).to.deep.equal([]);
    expect(requests.length).to.be.at.least(10_000);
    // The API runs in this process: "__proto__" and "constructor" keys must not have reached a prototype.
    expect(Object.prototype).to.not.have.property("polluted");

    // A block or two later, so anything a request had set moving would show.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await snapshot(stack, fixtures)).to.deep.equal(before);
  });

  it("answers an exact replay of an accepted ballot as a duplicate, changing nothing", async () => {
    const before = await snapshot(stack, fixtures);
    const res = await call<{ ballotId: string; duplicate: boolean }>(stack, "POST", "/api/ballots", exactReplay);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ ballotId: fixtures.accepted.ballotId, duplicate: true });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await snapshot(stack, fixtures)).to.deep.equal(before);
  });

  it("answers a flood of sign-in requests with 429 RATE_LIMITED in the standard shape", async () => {
    await restartApi({ AUTH_RATE_LIMIT_PER_MINUTE: "3" });
    // The per-address count is kept in the store: start it afresh, as a new minute would.
    await stack.api!.veche.ctx.sql.run("DELETE FROM rate_counters");
    try {
      const statuses: number[] = [];
      let last: { status: number; body: { error: { code: string; message: string; details?: object } } } | null = null;
      for (let i = 0; i < 5; i++) {
        last = await call(stack, "POST", "/api/auth/login", { residentId: "", password: 1 });
        statuses.push(last.status);
      }
      expect(statuses).to.deep.equal([400, 400, 400, 429, 429]);
      expect(last?.body.error.code).to.equal("RATE_LIMITED");
      expect(last?.body.error.code).to.match(CODE);
      expect(last?.body.error.message).to.be.a("string");
      expect(last?.body.error.details).to.have.property("retryAfterSeconds");
    } finally {
      await restartApi();
    }
  });
});
