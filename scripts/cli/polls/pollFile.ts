/**
 * The poll file staff write (JSON or YAML; documented in scripts/cli/README.md): the poll's texts in
 * every language, its questions, schedule, scope, re-voting and points. Validated in full before
 * anything is sent, with every problem named by its path in the file.
 */
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import {
  RESULTS_VISIBILITY,
  isValidQuestions,
  MAX_OPTIONS,
  MAX_OPTIONS_WITH_REVOTE,
  MAX_QUESTIONS,
  MAX_SECRET_OPTIONS,
  parseShare,
  totalOptions,
} from "../../../contracts/protocol";
import type { PollContent, Question } from "../../../contracts/protocol";
import { CliError } from "../errors";

export const MAX_DISTRICTS = 5000;
export const DURATION_PATTERN = /^(\d+)(s|m|h|d|w)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

const localized = (max: number) =>
  z
    .object({
      en: z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`),
      ru: z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`),
    })
    .strict();

const duration = z.string().regex(DURATION_PATTERN, 'a duration like "90s", "30m", "12h", "7d" or "2w"');
const isoTime = z.iso.datetime({ offset: true, message: 'an ISO time like "2030-05-01T09:00:00Z"' });

const question = z
  .object({
    text: localized(500),
    maxChoices: z.number().int().min(1).default(1),
    options: z.array(localized(200)).min(2, "at least 2 options").max(255, "at most 255 options"),
  })
  .strict()
  .refine((q) => q.maxChoices <= q.options.length, {
    message: "maxChoices must not exceed the number of options",
    path: ["maxChoices"],
  });

const schedule = z
  .object({
    start: isoTime.optional(),
    startsIn: duration.optional(),
    end: isoTime.optional(),
    duration: duration.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.start !== undefined && s.startsIn !== undefined) {
      ctx.addIssue({ code: "custom", message: "give start or startsIn, not both", path: ["startsIn"] });
    }
    if ((s.end === undefined) === (s.duration === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of end or duration", path: ["end"] });
    }
  });

const scope = z
  .object({
    cityWide: z.boolean().optional(),
    districts: z
      .array(z.number().int().min(0).max(4_294_967_295))
      .min(1, "at least one district")
      .max(MAX_DISTRICTS, `at most ${MAX_DISTRICTS} districts`)
      .refine((d) => new Set(d).size === d.length, "districts repeat")
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.cityWide === true) === (s.districts !== undefined)) {
      ctx.addIssue({ code: "custom", message: "give either cityWide: true or a list of districts", path: [] });
    }
  });

export const pollFileSchema = z
  .object({
    title: localized(200),
    description: localized(5000),
    questions: z.array(question).min(1, "at least 1 question").max(MAX_QUESTIONS, `at most ${MAX_QUESTIONS} questions`),
    schedule,
    scope,
    revote: z.boolean().default(false),
    /** When the site shows the tallies; they stay public on the ledger whatever is chosen. */
    results: z.enum(RESULTS_VISIBILITY).default("live"),
    points: z.number().int().min(0).max(4_294_967_295).default(0),
    /** A secret poll: ballots prove census membership and name no voter; it earns no points. */
    secret: z.boolean().default(false),
    /** What a secret poll's census areas are: the residents' districts or their buildings. */
    areas: z.enum(["district", "building"]).optional(),
    /** How the poll decides per area: "an area accepts if at least `share` of its eligible residents chose the option". */
    rule: z
      .object({
        kind: z.literal("eligibleShare"),
        question: z.number().int().min(0),
        option: z.number().int().min(0),
        share: z.string().refine((v) => parseShare(v) !== null, 'a fraction "n/d" with 0 < n <= d'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.secret && p.points !== 0) {
      ctx.addIssue({
        code: "custom",
        message: "a secret poll earns no points: they would link a resident to it",
        path: ["points"],
      });
    }
    if (!p.secret && p.areas !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: "areas is for secret polls; open polls count by district",
        path: ["areas"],
      });
    }
    if (
      p.secret &&
      totalOptions(p.questions.map((q) => ({ options: q.options.length, maxChoices: q.maxChoices }))) >
        MAX_SECRET_OPTIONS
    ) {
      ctx.addIssue({
        code: "custom",
        message: `a secret poll has at most ${MAX_SECRET_OPTIONS} options in all`,
        path: ["questions"],
      });
    }
    if (p.rule && (p.questions[p.rule.question]?.options.length ?? 0) <= p.rule.option) {
      ctx.addIssue({
        code: "custom",
        message: "the rule names a question or option the poll does not have",
        path: ["rule"],
      });
    }
    const shapes = p.questions.map((q) => ({ options: q.options.length, maxChoices: q.maxChoices }));
    if (!isValidQuestions(shapes, p.revote)) {
      const limit = p.revote ? MAX_OPTIONS_WITH_REVOTE : MAX_OPTIONS;
      ctx.addIssue({
        code: "custom",
        message: `${totalOptions(shapes)} options in all; at most ${limit}${p.revote ? " with re-voting" : ""}`,
        path: ["questions"],
      });
    }
  });

export type PollFile = z.output<typeof pollFileSchema>;
export type PollFileInput = z.input<typeof pollFileSchema>;

export function durationSeconds(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) throw new CliError("POLL_FILE_INVALID", `"${text}" is not a duration`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

function formatPath(parts: readonly PropertyKey[]): string {
  return parts.reduce<string>(
    (out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    "",
  );
}

/** Checks a parsed poll file; throws POLL_FILE_INVALID listing every problem. */
export function validatePollFile(value: unknown, source = "poll file"): PollFile {
  const parsed = pollFileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: formatPath(i.path) || "(file)",
    message: /received undefined$/.test(i.message) ? "required" : i.message,
  }));
  throw new CliError(
    "POLL_FILE_INVALID",
    `${source} is not a valid poll:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`,
    1,
    { issues },
  );
}

/** Reads and checks a .json, .yaml or .yml poll file. */
export function loadPollFile(file: string): PollFile {
  const ext = path.extname(file).toLowerCase();
  if (![".json", ".yaml", ".yml"].includes(ext)) {
    throw new CliError("POLL_FILE_INVALID", `${file}: a poll file must end in .json, .yaml or .yml`);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError("FILE_UNREADABLE", `cannot read ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = ext === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? `:${error.linePos[0].line}` : "";
    const first = (error as Error).message.split("\n")[0];
    throw new CliError(
      "POLL_FILE_INVALID",
      `${file}${where}: not valid ${ext === ".json" ? "JSON" : "YAML"}: ${first}`,
    );
  }
  return validatePollFile(value, file);
}

export function pollContent(poll: PollFile): PollContent {
  return {
    title: poll.title,
    description: poll.description,
    questions: poll.questions.map((q) => ({ text: q.text, options: q.options })),
    // "live" is the default and stays out of the text, so existing polls' hashes are unchanged.
    ...(poll.results === "live" ? {} : { results: poll.results }),
    // A secret poll's census kind is part of its text, so anyone rebuilds the census the same way.
    ...(poll.secret ? { areas: poll.areas ?? "district" } : {}),
    ...(poll.rule ? { rule: poll.rule } : {}),
  };
}

export function pollQuestions(poll: PollFile): Question[] {
  return poll.questions.map((q) => ({ options: q.options.length, maxChoices: q.maxChoices }));
}

/** The poll's start and end in seconds, relative times counted from `nowSeconds` (the chain's clock). */
export function pollSchedule(poll: PollFile, nowSeconds: number): { start: number; end: number } {
  const s = poll.schedule;
  const start =
    s.start !== undefined
      ? Math.floor(Date.parse(s.start) / 1000)
      : nowSeconds + (s.startsIn === undefined ? 0 : durationSeconds(s.startsIn));
  const end = s.end !== undefined ? Math.floor(Date.parse(s.end) / 1000) : start + durationSeconds(s.duration ?? "0s");
  if (end <= start) {
    throw new CliError("POLL_FILE_INVALID", "schedule: the poll must end after it starts");
  }
  if (end <= nowSeconds) {
    throw new CliError(
      "POLL_FILE_INVALID",
      `schedule: the poll would end in the past (${new Date(end * 1000).toISOString()})`,
    );
  }
  if (end > 0xffffffff) throw new CliError("POLL_FILE_INVALID", "schedule: the end is too far in the future");
  return { start, end };
}
