/**
 * How to start a worker thread on a module of this project: the compiled file as it is, or its
 * TypeScript source through ts-node when the caller itself runs as TypeScript (tests, benches, the CLI).
 */
import path from "node:path";

/** `entry` is the module's path without its extension; `callerFile` is the caller's `__filename`. */
export function workerSource(entry: string, callerFile: string): { source: string; eval: boolean } {
  const file = `${entry}${path.extname(callerFile)}`;
  if (!file.endsWith(".ts")) return { source: file, eval: false };
  const project = path.resolve(__dirname, "..", "..", "..", "tsconfig.json");
  return {
    source: `require("ts-node").register({ transpileOnly: true, project: ${JSON.stringify(project)} }); require(${JSON.stringify(file)});`,
    eval: true,
  };
}
