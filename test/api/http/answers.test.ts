/**
 * Every JSON answer is documented by the schema in api/wire that the client's types come from, and the
 * API refuses to send an answer its schema does not describe when asked to check (as every test stack does).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import express from "express";
import pino from "pino";
import { z } from "zod";
import { errorHandler } from "../../../api/src/http/errorHandler";
import { openApiDocument } from "../../../api/src/http/openapi";
import { mountRoutes, route } from "../../../api/src/http/route";
import { pollSummary } from "../../../api/wire/polls";

const auth = { resident: () => null, staff: () => false };

async function serve(checkAnswers: boolean, body: unknown) {
  const app = express();
  const specs = [
    route({
      method: "get",
      path: "/answer",
      tag: "test",
      summary: "An answer",
      access: "public",
      response: z.object({ pollId: z.number().int() }),
      handler: () => ({ body: body as { pollId: number } }),
    }),
  ];
  mountRoutes(app, specs, auth, { checkAnswers });
  app.use(errorHandler(pino({ level: "silent" })));
  const server = http.createServer(app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/answer`);
  const answer = { status: res.status, body: (await res.json()) as Record<string, unknown> };
  server.close();
  return answer;
}

describe("api answers and their schemas", () => {
  it("refuses to send an answer that breaks its schema when checking, naming the field", async () => {
    const checked = await serve(true, { pollId: "7" });
    expect(checked.status).to.equal(500);
    expect(checked.body).to.have.nested.property("error.code", "INTERNAL");
    expect(JSON.stringify(checked.body)).to.include("pollId");
    expect((await serve(true, { pollId: 7 })).status).to.equal(200);
    expect((await serve(false, { pollId: "7" })).status, "production sends what the handler built").to.equal(200);
  });

  it("documents the answer's fields in the OpenAPI document", () => {
    const doc = openApiDocument(
      [
        route({
          method: "get",
          path: "/api/polls/:pollId",
          tag: "polls",
          summary: "A poll",
          access: "public",
          response: pollSummary,
          handler: () => {
            throw new Error("not called");
          },
        }),
      ],
      "test",
    ) as { paths: Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }> };
    const schema = doc.paths["/api/polls/{pollId}"]!.get.responses["200"]!.content!["application/json"] as {
      schema: { properties: Record<string, unknown>; required: string[] };
    };
    expect(schema.schema.required).to.include.members(["pollId", "state", "questions", "eligible"]);
    expect(schema.schema.properties).to.have.property("content");
  });
});
