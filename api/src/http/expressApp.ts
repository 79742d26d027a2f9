/**
 * The Express application around the routes: request ids and logs, security headers, the sign-in rate
 * limit, body size limits, the built web client, and the one error handler.
 */
import crypto from "node:crypto";
import path from "node:path";
import express from "express";
import helmet from "helmet";
import pinoHttp from "pino-http";
import type { Logger } from "pino";
import { signInRateLimit } from "../auth/rateLimit";
import type { Config } from "../config";
import type { CounterStore } from "../limits/store";
import { errorHandler, notFoundHandler } from "./errorHandler";
import { mountRoutes } from "./route";
import { serveArtifacts } from "./artifacts";
import type { Authenticators, RouteSpec } from "./route";

export function expressApp(
  config: Config,
  log: Logger,
  specs: readonly RouteSpec[],
  auth: Authenticators,
  counters: CounterStore,
) {
  const app = express();
  app.disable("x-powered-by");
  // ETags hash every JSON answer; nothing here is cached by clients, so they only cost time.
  app.set("etag", false);
  app.set("trust proxy", config.trustProxy);
  app.use(requestLog(log));
  // The web client reads the chain's JSON-RPC itself (recounts, receipt checks): allow that origin.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          "connect-src": ["'self'", new URL(config.publicRpcUrl).origin],
          // Reward pictures may be linked from the city's own sites.
          "img-src": ["'self'", "data:", "https:"],
          // Proving in the browser: snarkjs compiles WebAssembly and starts its workers from data: URLs.
          "script-src": ["'self'", "'wasm-unsafe-eval'"],
          "worker-src": ["'self'", "data:", "blob:"],
        },
      },
    }),
  );
  app.use("/api/auth", signInRateLimit(counters, config.authRateLimitPerMinute));
  // A register import of 5000 rows needs more than 32 kB; only staff get the larger limit.
  const importJson = express.json({ limit: "4mb", strict: true });
  app.use("/api/admin/residents", (req, res, next) => {
    const token = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1];
    if (token && auth.staff(token)) importJson(req, res, next);
    else next();
  });
  app.use(express.json({ limit: "32kb", strict: true }));
  serveArtifacts(app);
  const router = express.Router();
  mountRoutes(router, specs, auth, { checkAnswers: config.checkAnswers });
  app.use(router);
  if (config.clientDir) {
    const clientDir = config.clientDir;
    app.use(express.static(clientDir, { index: "index.html", maxAge: "1h" }));
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(clientDir, "index.html")));
  }
  app.use(notFoundHandler);
  app.use(errorHandler(log));
  return app;
}

function requestLog(log: Logger) {
  return pinoHttp({
    logger: log.child({ part: "http" }),
    // Method, path and id only: headers carry session and staff bearer tokens.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.split("?")[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    genReqId: (req, res) => {
      const incoming = req.headers["x-request-id"];
      const id = typeof incoming === "string" && /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
      res.setHeader("x-request-id", id);
      return id;
    },
    // A line per request only where info lines are kept at all: the hook costs time per ballot.
    autoLogging: log.isLevelEnabled("info")
      ? { ignore: (req) => req.url === "/healthz" || req.url === "/metrics" }
      : false,
  });
}

/** Compares a bearer token with the configured one in constant time. */
export function safeEqual(given: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
