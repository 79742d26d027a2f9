/**
 * Routes are declared as data: method, path, zod schemas for the input, who may call, and a handler
 * that gets validated input. The same declarations mount the Express routes and produce /api/docs,
 * so the documentation cannot drift from what is checked.
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

export interface RouteResult {
  status?: number;
  body: unknown;
}

export interface RouteSpec<B = unknown, P = unknown, Q = unknown> {
  method: "get" | "post" | "put" | "delete";
  /** Express path, e.g. "/api/polls/:pollId". */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodType<B>;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** Status and description of the success answer, for the docs. */
  success?: { status: number; description: string };
  /** Error codes this route may answer with, for the docs. */
  errors?: string[];
  handler: (input: RouteInput<B, P, Q>) => Promise<RouteResult> | RouteResult;
}

/** Keeps each spec's type parameters while collecting specs of different shapes in one list. */
export function route<B = unknown, P = unknown, Q = unknown>(spec: RouteSpec<B, P, Q>): RouteSpec {
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

export function mountRoutes(router: Router, specs: readonly RouteSpec[], auth: Authenticators): void {
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
      if (!res.headersSent) res.status(result.status ?? 200).json(result.body);
    });
  }
}
