/**
 * Hostile values for the bad-input suite, and values that are invalid for a given JSON Schema (the
 * shape /api/docs publishes for each body, path and query field). Each invalid value is invalid by
 * construction or checked against the schema's bound before use, so a refusal can be demanded.
 */
import fc from "fast-check";

export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: unknown;
  items?: JsonSchema;
  pattern?: string;
  format?: string;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  minItems?: number;
  maxItems?: number;
}

/** A JSON number or token written as is: 2^256 in full, -0, 1e400, or text that is not JSON at all. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text that keeps own "__proto__" keys and raw number tokens. */
export function json(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(json).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value).map(
      (k) => `${JSON.stringify(k)}:${json((value as Record<string, unknown>)[k])}`,
    );
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** An object with `key` as an own property, even when `key` is "__proto__". */
export function withKey(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...base };
  Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
}

const TWO_POW_256 = (1n << 256n).toString();

export const INJECTIONS = [
  "' OR '1'='1' --",
  "1; DROP TABLE residents; --",
  '" UNION SELECT * FROM sessions --',
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2f",
  "__proto__",
  "constructor",
  "prototype",
  "${7*7}{{7*7}}",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\udc00y",
  "\u202e\u200fevil\u200e",
  "\ufeff",
  "🗳️👩🏽‍⚖️🇷🇺",
  "null",
  "undefined",
  "NaN",
  "-Infinity",
  "-1",
  "1.5",
  "0x",
  `0x${"f".repeat(65)}`,
  TWO_POW_256,
  "1e400",
  "٣",
  " ",
  "",
];

const codeUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom("\u0000", "\ud800", "\udfff", "\u202e", "\u200f", "🗳", "'", '"', "<", "/", ".", "%"),
);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...INJECTIONS), weight: 4 },
  { arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }), weight: 3 },
  { arbitrary: fc.constantFrom("a", "\u05d0", "🗳", "\u0000").map((c) => c.repeat(10_000)), weight: 1 },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "__defineGetter__", "toString", "hasOwnProperty", "$where"),
  hostileString.filter((s) => s.length < 100),
);

/** Any JSON value, hostile strings and raw number tokens included. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(
    null,
    true,
    false,
    -1,
    0,
    1.5,
    -0.5,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    new RawJson(TWO_POW_256),
    new RawJson("-0"),
    new RawJson("1e400"),
  ),
  fc.constant({}),
  fc.constant([1, 2]),
  fc.constant(withKey({ constructor: { prototype: { polluted: true } } }, "__proto__", { polluted: true })),
);

function types(schema: JsonSchema): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(types);
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

/** Values no scalar schema or coercion of this API takes: objects, many-element arrays, words as numbers. */
const neverScalar = fc.constantFrom<unknown>({}, [1, 2], withKey({}, "__proto__", { length: 1 }), ["a", "b"]);

/** Text that a number field (plain or coerced) cannot take: not a finite number, or out of its range. */
export function invalidNumberText(schema: JsonSchema): fc.Arbitrary<string> {
  const candidates = [
    "abc",
    "NaN",
    "Infinity",
    "1e400",
    "0x",
    "--1",
    "1,5",
    "12abc",
    "-1",
    "-0.5",
    "1.5",
    "0",
    "501",
    "4294967296",
    TWO_POW_256,
    `0x${"f".repeat(64)}`,
    "٣",
  ];
  return fc.constantFrom(...candidates.filter((t) => !numberFits(schema, Number(t))));
}

function numberFits(schema: JsonSchema, n: number): boolean {
  if (!Number.isFinite(n)) return false;
  if (types(schema).includes("integer") && !Number.isInteger(n)) return false;
  if (schema.minimum !== undefined && n < schema.minimum) return false;
  if (schema.maximum !== undefined && n > schema.maximum) return false;
  if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum) return false;
  if (schema.exclusiveMaximum !== undefined && n >= schema.exclusiveMaximum) return false;
  return true;
}

/** Whether `s` may fit a string schema: only used to throw away candidates that might be valid. */
function stringMayFit(schema: JsonSchema, s: string): boolean {
  if (schema.maxLength !== undefined && s.length > schema.maxLength) return false;
  if (schema.minLength !== undefined && s.length < schema.minLength) return false;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(s)) return false;
  if (schema.enum && !schema.enum.includes(s)) return false;
  if (schema.format === "date-time" && Number.isNaN(Date.parse(s))) return false;
  return true;
}

/** Strings a string-only schema refuses; null when any string might pass (no bound to break). */
export function invalidStringText(schema: JsonSchema): fc.Arbitrary<string> | null {
  const bounded =
    schema.pattern !== undefined ||
    schema.maxLength !== undefined ||
    (schema.minLength ?? 0) > 0 ||
    schema.enum !== undefined ||
    schema.format === "date-time";
  if (!bounded) return null;
  const tooLong = schema.maxLength !== undefined ? [fc.constant("x".repeat(schema.maxLength + 1))] : [];
  return fc.oneof(hostileString, ...tooLong).filter((s) => !stringMayFit(schema, s));
}

/** A JSON value the schema refuses. Numbers in this API may be coerced from text, so text breaks range too. */
export function invalidValue(schema: JsonSchema): fc.Arbitrary<unknown> | null {
  const t = types(schema);
  if (t.length === 0) return null;
  if (t.includes("object") || t.includes("array")) {
    return fc.oneof(fc.constantFrom<unknown>("x", 1, null, true), hostileString);
  }
  const options: fc.Arbitrary<unknown>[] = [neverScalar];
  const numeric = t.includes("number") || t.includes("integer");
  // Coerced numbers take true as 1 and null as 0, so those are wrong only for other types.
  if (!numeric && !t.includes("boolean")) options.push(fc.constantFrom(true, false));
  if (!numeric && !t.includes("null")) options.push(fc.constant(null));
  if (t.length === 1 && numeric) {
    options.push(invalidNumberText(schema));
    const outOfRange = [-1, -0.5, 1.5, 2 ** 53 + 2, 1e308, 4294967296].filter((n) => !numberFits(schema, n));
    if (outOfRange.length > 0) options.push(fc.constantFrom(...outOfRange));
  }
  if (t.length === 1 && t[0] === "string") {
    options.push(fc.integer(), fc.double({ noNaN: true }));
    const text = invalidStringText(schema);
    if (text) options.push(text);
  }
  if (t.length > 1) {
    const numericBranches = (schema.anyOf ?? []).filter((b) => types(b).some((x) => x === "number" || x === "integer"));
    const refused = [-1, 1.5, -0.5].filter((n) => !numericBranches.some((b) => numberFits(b, n)));
    if (refused.length > 0) options.push(fc.constantFrom(...refused));
  }
  return fc.oneof(...options);
}

/** Query and path text a field refuses, or null when any text might pass. */
export function invalidText(schema: JsonSchema): fc.Arbitrary<string> | null {
  const t = types(schema);
  if (t.includes("number") || t.includes("integer")) return invalidNumberText(schema);
  return invalidStringText(schema);
}
