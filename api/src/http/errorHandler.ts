/** Turns every failure into `{ error: { code, message, details? } }` with a stable code. */
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { AppError } from "../errors";

interface BodyParserError {
  type?: string;
  status?: number;
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: "NOT_FOUND", message: `no route for ${req.method} ${req.path}` } });
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (err instanceof AppError) {
      res
        .status(err.status)
        .json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
      return;
    }
    const parser = err as BodyParserError;
    if (parser.type === "entity.too.large") {
      res.status(413).json({ error: { code: "PAYLOAD_TOO_LARGE", message: "request body is too large" } });
    } else if (parser.type === "entity.parse.failed") {
      res.status(400).json({ error: { code: "INVALID_JSON", message: "request body is not valid JSON" } });
    } else if (parser.type && parser.status && parser.status < 500) {
      res.status(parser.status).json({ error: { code: "INVALID_REQUEST", message: "request body could not be read" } });
    } else {
      log.error({ err }, "unexpected error");
      res.status(500).json({ error: { code: "INTERNAL", message: "unexpected error; it has been logged" } });
    }
  };
}
