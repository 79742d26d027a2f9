/** The OpenAPI 3.1 document served at /api/docs, built from the route declarations. */
import { z } from "zod";
import type { RouteSpec } from "./route";

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
}

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
    const success = spec.success ?? { status: 200, description: "OK" };
    const responses: Record<string, unknown> = { [success.status]: { description: success.description } };
    if (spec.errors?.length) {
      responses["4XX"] = {
        description: `Error with a stable code: ${spec.errors.join(", ")}`,
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    paths[path] ??= {};
    paths[path][spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      security: spec.access === "public" ? [] : [{ [spec.access]: [] }],
      parameters: pathParameters(spec),
      ...(spec.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body) } } } }
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
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } },
            },
          },
        },
      },
    },
  };
}
