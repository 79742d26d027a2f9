/**
 * Routes are declared as data: method, path, zod schemas for the input and the answer (api/wire), who
 * may call, and a handler that gets validated input and must answer what its schema says. The same
 * declarations mount the Express routes and produce /api/docs, so the documentation cannot drift from
 * what is checked; with `checkAnswers` (tests) every answer is checked against its schema too.
 */
import type { z } from "zod";
import type { Request, Response, Router } from "express";
import type { ResidentSession } from "../auth/session";
import { AppError, unauthorized } from "../errors";

export type Access = "public" | "resident" | "staff";

export interface RouteInput<B, P, Q> {
  body: B;
  params: P;
  query: Q;
  session: ResidentSession | null;
  req: Request;
  res: Response;
}

export interface RouteResult<R = unknown> {
  status?: number;
  body: R;
}

export interface RouteSpec<B = unknown, P = unknown, Q = unknown, R = unknown> {
  method: "get" | "post" | "put" | "delete";
  /** Express path, e.g. "/api/polls/:pollId". */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodType<B>;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** The JSON answer; routes that answer something else (metrics text) leave it out. */
  response?: z.ZodType<R>;
  /** Status and description of the success answer, for the docs. */
  success?: { status: number; description: string };
  /** Error codes this route may answer with, for the docs. */
  errors?: string[];
  handler: (input: RouteInput<B, P, Q>) => Promise<RouteResult<R>> | RouteResult<R>;
}

/** Keeps each spec's type parameters while collecting specs of different shapes in one list. */
export function route<B = unknown, P = unknown, Q = unknown, R = unknown>(spec: RouteSpec<B, P, Q, R>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export interface Authenticators {
  resident(token: string): Promise<ResidentSession | null> | ResidentSession | null;
  staff(token: string): boolean;
}

function bearer(req: Request): string | null {
  const header = req.get("authorization");
  const match = header ? /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header) : null;
  return match?.[1] ?? null;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new AppError("INVALID_REQUEST", 400, `invalid ${where}`, {
    issues: result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message })),
  });
}

/** Refuses to send an answer its schema does not describe: a bug, found by the tests that turn this on. */
function checkAnswer(spec: RouteSpec, body: unknown): void {
  const result = spec.response?.safeParse(body);
  if (!result || result.success) return;
  throw new AppError("INTERNAL", 500, `the answer of ${spec.method.toUpperCase()} ${spec.path} breaks its schema`, {
    issues: result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  });
}

export function mountRoutes(
  router: Router,
  specs: readonly RouteSpec[],
  auth: Authenticators,
  options: { checkAnswers?: boolean } = {},
): void {
  for (const spec of specs) {
    router[spec.method](spec.path, async (req: Request, res: Response) => {
      let session: ResidentSession | null = null;
      if (spec.access !== "public") {
        const token = bearer(req);
        if (!token) throw unauthorized("AUTH_REQUIRED", "sign in first");
        if (spec.access === "staff") {
          if (!auth.staff(token)) throw unauthorized("STAFF_TOKEN_INVALID", "staff token is not valid");
        } else {
          session = await auth.resident(token);
          if (!session) throw unauthorized("SESSION_INVALID", "session expired or unknown; sign in again");
        }
      }
      const body = parse(spec.body, req.body, "body");
      const params = parse(spec.params, req.params, "params");
      const query = parse(spec.query, req.query, "query");
      const result = await spec.handler({ body, params, query, session, req, res });
      if (res.headersSent) return;
      // Error-status answers (readyz's 503) carry the same shape as successes.
      if (options.checkAnswers) checkAnswer(spec, result.body);
      res.status(result.status ?? 200).json(result.body);
    });
  }
}
