/**
 * Per-address limit on the sign-in routes, counted in the shared store so that it holds across API
 * instances: a window of a minute from an address's first request, as an in-process limiter counts.
 */
import type { RequestHandler } from "express";
import type { CounterStore } from "../limits/store";

const WINDOW_MS = 60_000;

export function signInRateLimit(counters: CounterStore, perMinute: number): RequestHandler {
  return (req, res, next) => {
    const now = Date.now();
    counters.hitSinceFirst(`sign-in:address:${req.ip ?? "unknown"}`, WINDOW_MS, now).then(({ count, windowStart }) => {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
      res.setHeader("ratelimit-policy", `${perMinute};w=60`);
      res.setHeader(
        "ratelimit",
        `limit=${perMinute}, remaining=${Math.max(0, perMinute - count)}, reset=${retryAfterSeconds}`,
      );
      if (count <= perMinute) return next();
      res.setHeader("retry-after", String(retryAfterSeconds));
      res.status(429).json({
        error: {
          code: "RATE_LIMITED",
          message: "too many sign-in requests; wait a minute",
          details: { retryAfterSeconds },
        },
      });
    }, next);
  };
}
