import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "veche-besu-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every regular file under dir, recursively. */
export function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

export function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** The string values of one `key=[...]` line of permissions_config.toml. */
export function tomlList(toml: string, key: string): string[] | undefined {
  const line = toml.split("\n").find((l) => l.startsWith(`${key}=`));
  if (line === undefined) return undefined;
  // Our arrays of basic strings without escapes are also valid JSON.
  return JSON.parse(line.slice(key.length + 1)) as string[];
}
