/** GET /api/docs: the OpenAPI document built from the routes, or a readable page for a browser. */
import { z } from "zod";
import { docsPage } from "./docsPage";
import { openApiDocument } from "./openapi";
import { route } from "./route";
import type { RouteSpec } from "./route";

export function docsRoute(specs: readonly RouteSpec[], version: string): RouteSpec {
  const docs = openApiDocument(specs, version);
  const html = docsPage(specs, version);
  return route({
    method: "get",
    path: "/api/docs",
    tag: "operations",
    summary: "This OpenAPI document (a readable page for browsers)",
    access: "public",
    response: z.object({ openapi: z.literal("3.1.0") }).loose(),
    handler: ({ req, res }) => {
      if (req.accepts(["application/json", "text/html"]) === "text/html") res.type("html").send(html);
      return { body: docs };
    },
  });
}
