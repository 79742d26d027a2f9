/**
 * `npm start`: the whole of Veche on one machine. Starts the embedded chain and deploys to it, makes
 * the data folder's secrets once, builds the web client if it is missing, runs the API (which serves
 * the client) in this process, seeds the demo city the first time, and stops everything in order on
 * Ctrl-C or SIGTERM: the API first, then the chain, which saves its state.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../api/src/config";
import { startServer } from "../api/src/server";
import type { RunningServer } from "../api/src/server";
import { NETWORK, startChainAndDeploy } from "../node/embedded/start";
import type { ChainAndDeployment } from "../node/embedded/start";
import {
  dataDirFrom,
  deploymentsDirFrom,
  ensureSecret,
  PEPPER_FILE,
  REPO_ROOT,
  STAFF_TOKEN_FILE,
} from "./cli/dataFolder";
import { isSeeded, seedDemoCity } from "./demo/seed";
import { ACTIVATION_CODES_FILE, DEMO_VOTERS_FILE } from "./demo/seed";

const say = (message: string): void => console.log(`[veche] ${message}`);
const warn = (message: string): void => console.warn(`[veche] warning: ${message}`);

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel || ".";
}

/** The built client, building it first if `client/dist` is missing and the build script exists. */
function clientDir(): string | undefined {
  const dist = path.join(REPO_ROOT, "client", "dist");
  if (fs.existsSync(path.join(dist, "index.html"))) return dist;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  if (!pkg.scripts?.["client:build"]) {
    warn("client/dist is missing and there is no client:build script: serving the API only");
    return undefined;
  }
  say("building the web client (once; npm run client:build)");
  const build = spawnSync("npm", ["run", "--silent", "client:build"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (build.status !== 0 || !fs.existsSync(path.join(dist, "index.html"))) {
    warn("the web client did not build: serving the API only");
    return undefined;
  }
  return dist;
}

let chain: ChainAndDeployment | null = null;
let api: RunningServer | null = null;
let apiLog: (pino.DestinationStream & { flushSync?: () => void }) | null = null;
let stopping: Promise<void> | null = null;

/** Stops what has started, in order, then exits. Safe to call more than once. */
function stop(exitCode: number): Promise<void> {
  stopping ??= (async () => {
    say("stopping: the API first, then the chain (it saves its state)");
    try {
      await api?.stop();
      apiLog?.flushSync?.();
      await chain?.chain.stop();
      say("stopped");
    } catch (error) {
      console.error(`[veche] ${error instanceof Error ? error.message : String(error)}`);
      exitCode = 1;
    }
    process.exit(exitCode);
  })();
  return stopping;
}

async function main(): Promise<void> {
  const env = process.env;
  const dataDir = dataDirFrom(env);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  const client = clientDir();
  if (stopping) return;

  chain = await startChainAndDeploy(
    { ...env, VECHE_DATA_DIR: dataDir },
    { log: (m) => say(`chain: ${m}`), deploymentsDir: deploymentsDirFrom(env) },
  );
  const { logFile } = chain.chain;
  void chain.chain.exited.then((status) => {
    if (stopping) return;
    console.error(`[veche] the chain stopped on its own (${JSON.stringify(status)}); see ${logFile}`);
    void stop(1);
  });
  if (stopping) return;

  const staffToken = ensureSecret(dataDir, STAFF_TOKEN_FILE);
  const pepper = ensureSecret(dataDir, PEPPER_FILE);
  const keys = chain.chain.keys;
  const config = loadConfig({
    ...env,
    PORT: env.PORT || "8080",
    VECHE_DATA_DIR: dataDir,
    VECHE_NETWORK: NETWORK,
    DEPLOYMENTS_DIR: path.dirname(chain.deploymentFile),
    CHAIN_RPC_URL: chain.chain.rpcUrl,
    RELAYER_KEYS: keys.relayers.map((k) => k.privateKey).join(","),
    REGISTRAR_KEY: keys.registrar.privateKey,
    REWARDS_KEY: keys.staff.privateKey,
    STAFF_API_TOKEN: staffToken,
    RESIDENT_ID_PEPPER: pepper,
    CLIENT_DIR: client,
  });
  const apiLogFile = path.join(dataDir, "api.log");
  // The log is the owner's only, and bearer tokens never reach it.
  apiLog = pino.destination({ dest: apiLogFile, sync: false, mkdir: true, mode: 0o600 });
  if (fs.existsSync(apiLogFile)) fs.chmodSync(apiLogFile, 0o600);
  const logger = pino(
    {
      level: config.logLevel,
      redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
    },
    apiLog,
  );
  try {
    api = await startServer(config, { logger });
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    console.error(
      `[veche] the API could not start: ${inUse ? `port ${config.port} is in use; set PORT to another port` : String(error)}`,
    );
    await stop(1);
    return;
  }
  if (stopping) return;

  const demoDir = path.join(dataDir, "demo");
  if (!isSeeded(demoDir)) {
    say("seeding the demo city (first start only)");
    try {
      await seedDemoCity({
        demoDir,
        env: {
          VECHE_DATA_DIR: dataDir,
          VECHE_NETWORK: NETWORK,
          DEPLOYMENTS_DIR: path.dirname(chain.deploymentFile),
          CHAIN_RPC_URL: chain.chain.rpcUrl,
          VECHE_API_URL: api.url,
          VECHE_STAFF_TOKEN: staffToken,
        },
        log: (m) => say(`demo: ${m}`),
      });
    } catch (error) {
      if (stopping) return;
      warn(
        `seeding the demo city failed (it resumes on the next start): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (stopping) return;

  const seconds = process.uptime().toFixed(1);
  console.log(
    [
      "",
      `Veche is running (ready in ${seconds} s)`,
      `  site and API     ${api.url}${client ? "" : " (API only: the web client is not built)"}   API docs: ${api.url}/api/docs`,
      `  chain JSON-RPC   ${chain.chain.rpcUrl}   chain id ${chain.deployment.chainId}, ballot box ${chain.deployment.ballotBox}`,
      `  activation codes ${relative(path.join(demoDir, ACTIVATION_CODES_FILE))}   (sign in as any demo resident)`,
      `  demo voters      ${relative(path.join(demoDir, DEMO_VOTERS_FILE))}   (already voted; passwords inside)`,
      `  staff CLI        npx veche --help`,
      `  data and logs    ${relative(dataDir)}/   (API log ${relative(apiLogFile)}, chain log ${relative(chain.chain.logFile)})`,
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  const code = typeof error === "object" && error !== null && "code" in error ? `${String(error.code)}: ` : "";
  console.error(`[veche] ${code}${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
