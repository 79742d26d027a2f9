/** Turns every failure into `{ error: { code, message, details? } }` with a stable code. */
import type { Socket } from "node:net";
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
      const retryAfter = err.details?.retryAfterSeconds;
      if (typeof retryAfter === "number") res.setHeader("retry-after", String(retryAfter));
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
    } else if (err instanceof URIError) {
      // The router could not percent-decode a path parameter (e.g. "%ZZ" or an encoded lone surrogate).
      res
        .status(400)
        .json({ error: { code: "INVALID_REQUEST", message: "request path is not valid percent-encoding" } });
    } else if (parser.status && parser.status >= 400 && parser.status < 500) {
      // Body-parser refusals without a known type too, e.g. a gzip body that does not inflate.
      res.status(parser.status).json({ error: { code: "INVALID_REQUEST", message: "request body could not be read" } });
    } else {
      log.error({ err }, "unexpected error");
      res.status(500).json({ error: { code: "INTERNAL", message: "unexpected error; it has been logged" } });
    }
  };
}

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers or URL over 16 kB, malformed
 * request lines) still get the standard error shape.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
  const [status, code] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "HEADERS_TOO_LARGE"]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "REQUEST_TIMEOUT"]
        : [400, "INVALID_REQUEST"];
  const reason = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" }[status];
  const body = JSON.stringify({ error: { code, message: "the request could not be parsed" } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
