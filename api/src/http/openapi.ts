/** The OpenAPI 3.1 document served at /api/docs, built from the route declarations. */
import { z } from "zod";
import { errorAnswer } from "../../wire/common";
import type { RouteSpec } from "./route";

/** A request as the client may send it ("input"), an answer as the API sends it ("output"). */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" });
}

const JSON_TYPE = "application/json";

function pathParameters(spec: RouteSpec): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ["path", spec.params],
    ["query", spec.query],
  ] as const) {
    if (!schema) continue;
    const shape = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(shape.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (shape.required ?? []).includes(name), schema: s });
    }
  }
  return out;
}

export function openApiDocument(specs: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const success = spec.success ?? { status: 200, description: spec.summary };
    const answer = spec.response ? { content: { [JSON_TYPE]: { schema: jsonSchema(spec.response, "output") } } } : {};
    const responses: Record<string, unknown> = { [success.status]: { description: success.description, ...answer } };
    if (spec.errors?.length) {
      responses["4XX"] = {
        description: `Error with a stable code: ${spec.errors.join(", ")}`,
        content: { [JSON_TYPE]: { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    paths[path] ??= {};
    paths[path][spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      security: spec.access === "public" ? [] : [{ [spec.access]: [] }],
      parameters: pathParameters(spec),
      ...(spec.body
        ? { requestBody: { required: true, content: { [JSON_TYPE]: { schema: jsonSchema(spec.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Veche API", version, description: "Resident sign-in, voter keys, polls and ballot relaying." },
    paths,
    components: {
      securitySchemes: {
        resident: { type: "http", scheme: "bearer", description: "Session token from /api/auth/login" },
        staff: { type: "http", scheme: "bearer", description: "Staff API token" },
      },
      schemas: {
        Error: jsonSchema(errorAnswer, "output"),
      },
    },
  };
}
