/** Per-IP limit on the sign-in routes, answering in the API's error shape. */
import { rateLimit } from "express-rate-limit";
import type { Request, RequestHandler } from "express";

export function signInRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (req, res) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      res.setHeader("retry-after", String(retryAfterSeconds));
      res.status(429).json({
        error: {
          code: "RATE_LIMITED",
          message: "too many sign-in requests; wait a minute",
          details: { retryAfterSeconds },
        },
      });
    },
  });
}
