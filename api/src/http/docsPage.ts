/**
 * /api/docs for people: the same route declarations as the OpenAPI document, as a plain HTML page a
 * browser shows (a link in the start banner opens it). Clients asking for JSON get the document.
 */
import type { RouteSpec } from "./route";

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const ACCESS: Record<RouteSpec["access"], string> = {
  public: "anyone",
  resident: "a signed-in resident (Authorization: Bearer &lt;session token&gt;)",
  staff: "staff (Authorization: Bearer &lt;staff token&gt;)",
};

function routeRow(spec: RouteSpec): string {
  const errors = spec.errors?.length ? spec.errors.map((e) => `<code>${escape(e)}</code>`).join(" ") : "—";
  return `<tr><td><code class="method">${spec.method.toUpperCase()}</code></td><td><code>${escape(spec.path)}</code></td><td>${escape(spec.summary)}</td><td>${ACCESS[spec.access]}</td><td>${errors}</td></tr>`;
}

export function docsPage(specs: readonly RouteSpec[], version: string): string {
  const tags = [...new Set(specs.map((s) => s.tag))];
  const sections = tags.map((tag) => {
    const rows = specs.filter((s) => s.tag === tag).map(routeRow);
    return `<section><h2>${escape(tag)}</h2><div class="scroll"><table><thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">What it does</th><th scope="col">Who may call</th><th scope="col">Error codes</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Veche API ${escape(version)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#1b1f24}
code{font:0.9em ui-monospace,monospace}.method{font-weight:700}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left;vertical-align:top}
.scroll{overflow-x:auto}
</style></head><body><main>
<h1>Veche API ${escape(version)}</h1>
<p>Every answer is JSON. An error is <code>{ "error": { "code", "message", "details" } }</code> with a stable <code>code</code> and a 4xx or 5xx status.
The machine-readable OpenAPI 3.1 document is at this same address for clients that ask for JSON:
<code>curl -H 'accept: application/json' …/api/docs</code>.</p>
${sections.join("\n")}
</main></body></html>`;
}
