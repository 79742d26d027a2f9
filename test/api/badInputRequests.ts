/**
 * Generates malformed and hostile requests for every endpoint that /api/docs lists. Each generated
 * request is refused by construction (it breaks the published schema, the auth, the JSON, the size
 * limit or the ballot signature), so the suite can demand a 4xx of every one; a route added later is
 * fuzzed from its OpenAPI entry without changes here.
 */
import crypto from "node:crypto";
import fc from "fast-check";
import { Signature } from "ethers";
import {
  RawJson,
  hostileKey,
  hostileString,
  hostileValue,
  invalidText,
  invalidValue,
  json,
  withKey,
} from "./badInputValues";
import type { JsonSchema } from "./badInputValues";

export { json } from "./badInputValues";

export interface Param {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Endpoint {
  /** "POST /api/ballots", with OpenAPI path templates. */
  key: string;
  method: string;
  path: string;
  access: "public" | "resident" | "staff";
  pathParams: Param[];
  queryParams: Param[];
  body: JsonSchema | null;
}

export interface Sample {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

export interface HostileRequest {
  endpoint: string;
  fault: string;
  method: string;
  /** Already percent-encoded, sent exactly as is (no normalisation of "..", unlike fetch). */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** When known: the codes this request must be refused with. */
  expectCodes?: readonly string[];
}

export interface Context {
  session: string;
  expiredSession: string;
  signedOutSession: string;
  staffToken: string;
  samples: Map<string, Sample>;
  accepted: { pollId: string; choices: string; revision: string; signature: string };
  pollIds: number[];
  deep: HostileRequest[];
}

interface OpenApiOperation {
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

const METHODS = ["get", "post", "put", "delete", "patch"] as const;

export function endpointsFromDocs(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): Endpoint[] {
  const out: Endpoint[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const scheme = Object.keys(op.security?.[0] ?? {})[0];
      const params = (where: string) =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema ?? {} }));
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        access: scheme === "resident" || scheme === "staff" ? scheme : "public",
        pathParams: params("path"),
        queryParams: params("query"),
        body: op.requestBody?.content?.["application/json"]?.schema ?? null,
      });
    }
  }
  return out;
}

/** Percent-encodes every byte but unreserved ones; lone surrogates go out as their raw 3-byte form. */
export function encodeComponent(text: string): string {
  let out = "";
  for (const ch of text) {
    if (/^[A-Za-z0-9\-_.~]$/.test(ch)) out += ch;
    else {
      const code = ch.codePointAt(0)!;
      const bytes =
        code >= 0xd800 && code <= 0xdfff
          ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
          : [...Buffer.from(ch, "utf8")];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
    }
  }
  return out;
}

function fillPath(template: string, params: Record<string, string>, raw: Record<string, string> = {}): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => raw[name] ?? encodeComponent(params[name] ?? "1"));
}

function queryString(pairs: [string, string][]): string {
  return pairs.length === 0 ? "" : `?${pairs.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join("&")}`;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Draft {
  fault: string;
  method?: string;
  path?: string;
  query?: [string, string][];
  headers?: Record<string, string>;
  body?: string | Buffer;
}

function generator(ep: Endpoint, ctx: Context, declared: ReadonlySet<string>) {
  const sample = ctx.samples.get(ep.key) ?? { params: {}, query: {}, body: {} };
  const validAuth =
    ep.access === "resident" ? bearer(ctx.session) : ep.access === "staff" ? bearer(ctx.staffToken) : {};
  const sampleQuery = Object.entries(sample.query);
  const build = (d: Draft): HostileRequest => ({
    endpoint: ep.key,
    fault: d.fault,
    method: d.method ?? ep.method,
    path: (d.path ?? fillPath(ep.path, sample.params)) + queryString(d.query ?? sampleQuery),
    headers: d.headers ?? { ...validAuth, ...(d.body !== undefined ? { "content-type": "application/json" } : {}) },
    body: d.body,
  });
  const faults: fc.Arbitrary<HostileRequest>[] = [
    invalidJson.map((body) => build({ fault: "invalid JSON", body })),
    // Staff get a 4 MB limit on the register routes (its own case); others, and everyone else, 32 kB.
    hugeBody.map((body) =>
      build({
        fault: "body over the limit",
        body,
        headers: { "content-type": "application/json", ...(ep.access === "staff" ? {} : validAuth) },
      }),
    ),
  ];
  const otherMethods = METHODS.filter((m) => m.toUpperCase() !== ep.method);
  faults.push(
    fc
      .constantFrom(...otherMethods)
      .map((m) => build({ fault: "wrong method", method: m.toUpperCase() }))
      .filter((r) => !declared.has(`${r.method} ${ep.path}`)),
  );
  if (ep.access !== "public") {
    faults.push(
      badAuth(ep, ctx).map((headers) =>
        build({
          fault: "bad credentials",
          headers: { ...headers, "content-type": "application/json" },
          body: json(sample.body ?? {}),
        }),
      ),
    );
  }
  for (const p of ep.pathParams) {
    const text = invalidText(p.schema) ?? hostileString;
    faults.push(
      text.map((v) => build({ fault: `path ${p.name}`, path: fillPath(ep.path, { ...sample.params, [p.name]: v }) })),
      fc
        .constantFrom("..", "../..", ".%2e", "%2e%2e%2f%2e%2e", "..%00", "%ZZ", "%E0%A4%A", "%ED%A0%80", "%")
        .map((raw) =>
          build({ fault: `raw path ${p.name}`, path: fillPath(ep.path, sample.params, { [p.name]: raw }) }),
        ),
    );
  }
  if (ep.queryParams.length > 0)
    faults.push(queryFault(ep, sampleQuery).map(({ fault, query }) => build({ fault, query })));
  if (ep.body) {
    const body = ep.body;
    faults.push(
      mutate(sample.body, body).map(({ fault, value }) => build({ fault: `body ${fault}`, body: json(value) })),
    );
    if ((body.required ?? []).length > 0) {
      faults.push(
        wrongContentType.map((headers) =>
          build({
            fault: "content type",
            headers: { ...validAuth, ...headers },
            body: contentTypeBody(headers, sample),
          }),
        ),
      );
    }
  }
  if (ep.key === "POST /api/ballots")
    faults.push(ballotFault(ctx).map((b) => build({ fault: b.fault, body: json(b.body) })));
  return fc.oneof(...faults);
}

const invalidJson = fc.oneof(
  fc.constantFrom(
    "{",
    '{"pollId":',
    "{'pollId': 1}",
    '{"a":1,}',
    "NaN",
    "undefined",
    '"just a string"',
    "1",
    "null",
    "true",
    '{"a":NaN}',
    '{"a":0x10}',
    '{"a":1e}',
    "{}}",
    "[1,]",
    "residentId=a&password=b",
    '{"a":"\\ud800"',
    "\u0000",
  ),
  fc
    .string({ minLength: 1, maxLength: 60 })
    .map((s) => `{${s}`)
    .filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    }),
);

/** Over the 32 kB JSON limit (the staff import's 4 MB limit has its own case). */
const hugeBody = fc
  .oneof(
    fc.integer({ min: 33_000, max: 120_000 }).map((n) => json({ pad: "x".repeat(n) })),
    fc.integer({ min: 7_000, max: 20_000 }).map((n) => json(Array.from({ length: n }, (_, i) => i))),
    fc
      .integer({ min: 3_500, max: 8_000 })
      .map((n) => json(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))),
  )
  .filter((body) => Buffer.byteLength(body) > 32 * 1024);

function badAuth(ep: Endpoint, ctx: Context): fc.Arbitrary<Record<string, string>> {
  const wrongKind = ep.access === "staff" ? ctx.session : ctx.staffToken;
  return fc.oneof(
    fc.constant({}),
    fc
      .constantFrom(
        ctx.expiredSession,
        ctx.signedOutSession,
        wrongKind,
        `${ctx.staffToken}x`,
        ctx.staffToken.slice(0, -1),
      )
      .map(bearer),
    fc.uint8Array({ minLength: 12, maxLength: 380 }).map((b) => bearer(Buffer.from(b).toString("base64url"))),
    fc
      .constantFrom(
        "Basic dXNlcjpwYXNzd29yZA==",
        "Bearer",
        "Bearer ",
        "Bearer short",
        `bearer ${ctx.session}`,
        `Bearer ${ctx.session} ${ctx.session}`,
        `Bearer  ${ctx.session}`,
        `Bearer ${"A".repeat(600)}`,
        `Bearer ${ctx.session.slice(0, 20)}é`,
        `Bearer ' OR 1=1 --0123456789`,
        `Bearer ../../../../etc/passwd`,
        `Token ${ctx.staffToken}`,
      )
      .map((authorization) => ({ authorization })),
  );
}

function queryFault(ep: Endpoint, sampleQuery: [string, string][]) {
  const names = new Set(ep.queryParams.map((p) => p.name));
  const options: fc.Arbitrary<{ fault: string; query: [string, string][] }>[] = [
    fc
      .tuple(
        hostileKey.filter((k) => !names.has(k) && k.length > 0),
        hostileString,
      )
      .map(([k, v]) => ({ fault: "query unknown key", query: [...sampleQuery, [k, v] as [string, string]] })),
    fc
      .constantFrom("__proto__[polluted]", "constructor[prototype][polluted]", "__proto__", "constructor")
      .map((k) => ({ fault: "query prototype key", query: [...sampleQuery, [k, "1"] as [string, string]] })),
  ];
  for (const p of ep.queryParams) {
    const text = invalidText(p.schema);
    if (!text) continue;
    const others = sampleQuery.filter(([k]) => k !== p.name);
    options.push(
      text.map((v) => ({ fault: `query ${p.name}`, query: [...others, [p.name, v] as [string, string]] })),
      fc.constant({
        fault: `query ${p.name} twice`,
        query: [...others, [p.name, "1"], [p.name, "2"]] as [string, string][],
      }),
    );
  }
  return fc.oneof(...options);
}

/** One schema violation somewhere in `value`: a dropped field, an unknown key, or a wrong value. */
function mutate(value: unknown, schema: JsonSchema, depth = 0): fc.Arbitrary<{ fault: string; value: unknown }> {
  const options: fc.Arbitrary<{ fault: string; value: unknown }>[] = [];
  const whole = invalidValue(schema);
  if (whole) options.push(whole.map((v) => ({ fault: "wrong value", value: v })));
  if (value !== null && typeof value === "object" && !Array.isArray(value) && schema.properties) {
    const obj = value as Record<string, unknown>;
    const props = schema.properties;
    for (const name of schema.required ?? []) {
      const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => k !== name));
      options.push(fc.constant({ fault: "missing field", value: rest }));
    }
    if (schema.additionalProperties === false) {
      options.push(
        fc
          .tuple(
            hostileKey.filter((k) => !(k in props) || k === "__proto__"),
            hostileValue,
          )
          .filter(([k]) => !Object.prototype.hasOwnProperty.call(props, k))
          .map(([k, v]) => ({ fault: "extra field", value: withKey(obj, k, v) })),
      );
    }
    if (depth < 4) {
      for (const [name, sub] of Object.entries(props)) {
        if (!(name in obj)) continue;
        options.push(
          mutate(obj[name], sub, depth + 1).map((m) => ({ fault: m.fault, value: withKey(obj, name, m.value) })),
        );
      }
    }
  }
  if (Array.isArray(value) && schema.items && depth < 4) {
    const items = schema.items;
    const first: unknown = value[0];
    if ((schema.minItems ?? 0) > 0) options.push(fc.constant({ fault: "empty list", value: [] }));
    if (value.length > 0) {
      // Copies of the sample row around one broken row: the whole request must still be refused.
      options.push(
        fc
          .tuple(mutate(first, items, depth + 1), fc.array(fc.constant(first), { maxLength: 20 }), fc.nat())
          .map(([m, others, at]) => {
            const list: unknown[] = [...others];
            list.splice(at % (list.length + 1), 0, m.value);
            return { fault: `${m.fault} in a list`, value: list };
          }),
      );
    }
  }
  return fc.oneof(...options);
}

const wrongContentType = fc.constantFrom<Record<string, string>>(
  {},
  { "content-type": "text/plain" },
  { "content-type": "application/x-www-form-urlencoded" },
  { "content-type": "multipart/form-data; boundary=veche" },
  { "content-type": "application/xml" },
  { "content-type": "json" },
  { "content-type": "application/json; charset=utf-16" },
  { "content-type": "application/json; charset=x-veche" },
  { "content-type": "application/json", "content-encoding": "gzip" },
  { "content-type": "application/json", "content-encoding": "compress" },
);

function contentTypeBody(headers: Record<string, string>, sample: Sample): string | Buffer {
  if (headers["content-encoding"] === "gzip") return crypto.randomBytes(64);
  if (headers["content-type"]?.includes("form-urlencoded")) return "pollId=1&choices=1&revision=1&signature=0x00";
  return json(sample.body ?? {});
}

const TWO_POW_256 = 1n << 256n;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The same signature with s' = n - s and v flipped: ecrecover takes it, the contract refuses it. */
export function highS(signature: string): string {
  const sig = Signature.from(signature);
  const s = SECP256K1_N - BigInt(sig.s);
  return `${sig.r}${s.toString(16).padStart(64, "0")}${(sig.v === 27 ? 28 : 27).toString(16)}`;
}

function asUint(v: unknown): bigint | null {
  try {
    if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
    if (typeof v === "string" && /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(v)) return BigInt(v);
    if (v instanceof RawJson) return BigInt(Number(v.text));
  } catch {
    return null;
  }
  return null;
}

const numericEdge = fc.constantFrom<unknown>(
  -1,
  0,
  1.5,
  "-1",
  "0",
  "1.5",
  "0x1",
  "0x",
  `0x${"f".repeat(64)}`,
  TWO_POW_256.toString(),
  (TWO_POW_256 - 1n).toString(),
  "4294967296",
  "65536",
  "NaN",
  "1e3",
  " 1",
  "١",
  new RawJson(TWO_POW_256.toString()),
  new RawJson("-0"),
  new RawJson("1e400"),
  new RawJson("1E2"),
);

/** Ballots with the accepted ballot's real signature corrupted, or its fields moved under it. */
function ballotFault(ctx: Context) {
  const base = ctx.accepted;
  const sig = base.signature;
  const field = (original: string, moved: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { arbitrary: fc.constant<unknown>(original), weight: 3 },
      { arbitrary: moved.filter((v) => asUint(v) !== BigInt(original)), weight: 1 },
    );
  const signature = fc.oneof(
    { arbitrary: fc.constant(sig), weight: 2 },
    fc.uint8Array({ minLength: 65, maxLength: 65 }).map((b) => `0x${Buffer.from(b).toString("hex")}`),
    fc.nat({ max: 129 }).map((n) => sig.slice(0, 2 + n)),
    fc.constant(highS(sig)),
    fc.constantFrom(0, 1, 2, 26, 29, 30, 255).map((v) => `${sig.slice(0, 130)}${v.toString(16).padStart(2, "0")}`),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((r) => `0x${Buffer.from(r).toString("hex")}${sig.slice(66)}`),
    fc.constantFrom(sig.slice(2), `0X${sig.slice(2)}`, `${sig}00`, sig.toUpperCase(), `0x${"00".repeat(65)}`),
    hostileString,
  );
  const pollIds = ctx.pollIds.map(String).concat("4000000");
  return fc
    .record({
      pollId: field(base.pollId, fc.oneof(fc.constantFrom(...pollIds), numericEdge)),
      choices: field(base.choices, fc.oneof(fc.bigInt({ min: 2n, max: TWO_POW_256 }).map(String), numericEdge)),
      revision: field(base.revision, numericEdge),
      signature,
    })
    .filter(
      (b) =>
        !(
          b.pollId === base.pollId &&
          b.choices === base.choices &&
          b.revision === base.revision &&
          b.signature === sig
        ),
    )
    .map((body) => ({ fault: body.signature === sig ? "ballot moved under its signature" : "ballot signature", body }));
}

/** Requests to paths that are no route at all. */
const noRoute = fc
  .oneof(
    fc.constantFrom(
      "/api/../../etc/passwd",
      "/api/%2e%2e/%2e%2e/etc/passwd",
      "/api/polls%00",
      "/api/%ZZ",
      "/api/",
      "/.env",
    ),
    hostileString.map((s) => `/api/${encodeComponent(s)}/x/y`),
  )
  .map((path): HostileRequest => ({ endpoint: "(no route)", fault: "unknown path", method: "GET", path, headers: {} }));

export function hostileRequests(endpoints: readonly Endpoint[], ctx: Context): fc.Arbitrary<HostileRequest> {
  // Every declared method and path, so "wrong method" never picks a real route.
  const declared = new Set(endpoints.map((ep) => ep.key));
  return fc.oneof(
    ...endpoints.map((ep) => ({ arbitrary: generator(ep, ctx, declared), weight: 10 })),
    { arbitrary: noRoute, weight: 2 },
    { arbitrary: fc.constantFrom(...ctx.deep), weight: 6 },
  );
}
