/** Runs the API as a separate process, so fault tests can SIGKILL it like a crash would. */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  kill(): Promise<void>;
  /** What the process printed so far (its log at LOG_LEVEL, warnings by default). */
  output(): string;
  /** SIGSTOP: the process holds still, answering nothing, until killed (fault tests). */
  freeze(): void;
  stop(): Promise<void>;
}

export async function spawnApi(env: Record<string, string>, port: number): Promise<ApiProcess> {
  // VECHE_API_NODE_ARGS passes e.g. --cpu-prof to the API process when profiling a benchmark.
  const nodeArgs = (process.env.VECHE_API_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, "-r", "ts-node/register/transpile-only", path.join(REPO, "api/src/main.ts")],
    {
      cwd: REPO,
      env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited early: ${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`API did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => output,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    freeze() {
      child.kill("SIGSTOP");
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
