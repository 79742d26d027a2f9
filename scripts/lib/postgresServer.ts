/**
 * A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries (`initdb`, `pg_ctl`), a
 * temporary folder, a free port on 127.0.0.1. initdb refuses to run as root, so as root the server
 * runs as the `postgres` system user (or `nobody`). `npm test` installs the binaries when missing
 * (scripts/test/ensure-postgres.sh).
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { pickFreePort } from "../../node/embedded/ports";

export interface PostgresServer {
  port: number;
  dataDir: string;
  /** The server's main process, or null when it is not running. */
  pid(): number | null;
  /** A URL for `database` on this server. */
  url(database: string): string;
  /** Creates an empty database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown: connections are cut), keeping its data. */
  pause(): void;
  resume(): void;
  stop(): void;
}

/** The folder of the newest installed PostgreSQL's binaries, or null. */
export function findPostgresBin(): string | null {
  if (process.env.PG_BIN && fs.existsSync(path.join(process.env.PG_BIN, "initdb"))) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

/** Who runs the server: this user, or as root an unprivileged one. */
function serverUser(): string | null {
  if (process.getuid?.() !== 0) return null;
  for (const user of ["postgres", "nobody"]) {
    if (spawnSync("id", ["-u", user]).status === 0) return user;
  }
  throw new Error("running as root, but no postgres or nobody user to run PostgreSQL as");
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN)");
  const user = serverUser();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-pg-"));
  if (user) execFileSync("chown", ["-R", user, dataDir]);
  const run = (tool: string, args: string[]) => {
    const command = user ? "runuser" : path.join(bin, tool);
    const argv = user ? ["-u", user, "--", path.join(bin, tool), ...args] : args;
    execFileSync(command, argv, { stdio: ["ignore", "pipe", "pipe"], cwd: dataDir });
  };
  const cluster = path.join(dataDir, "cluster");
  run("initdb", ["-D", cluster, "-A", "trust", "-U", "veche", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await pickFreePort("127.0.0.1");
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const start = () =>
    run("pg_ctl", ["-D", cluster, "-l", path.join(dataDir, "server.log"), "-o", options, "-w", "start"]);
  const stop = (mode: string) => run("pg_ctl", ["-D", cluster, "-m", mode, "-w", "stop"]);
  start();
  let running = true;
  const url = (database: string) => `postgres://veche@127.0.0.1:${port}/${database}`;
  const server: PostgresServer = {
    port,
    dataDir,
    url,
    pid() {
      try {
        return Number(fs.readFileSync(path.join(cluster, "postmaster.pid"), "utf8").split("\n")[0]);
      } catch {
        return null;
      }
    },
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    pause() {
      if (running) stop("fast");
      running = false;
    },
    resume() {
      if (!running) start();
      running = true;
    },
    stop() {
      if (running) {
        try {
          stop("immediate");
        } catch {
          // already gone
        }
      }
      running = false;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
