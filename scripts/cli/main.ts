/**
 * `veche`: the staff CLI. `runCli(argv, io)` runs one command in-process and resolves to its exit
 * code — 0 done, 1 failed, 2 wrong command line — so tests and the demo seeding call it directly.
 */
import { Command, CommanderError } from "commander";
import { registerAuditCommands } from "./audit/command";
import { registerBesuCommand } from "./besu/command";
import { examples } from "./command";
import { registerDeployCommand } from "./deploy/command";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./errors";
import type { CliIo } from "./io";
import { registerKeyCommands } from "./keys/command";
import { registerPollCommands } from "./polls/command";
import { registerResidentsCommands } from "./residents/command";
import { registerRewardCommands } from "./rewards/command";

export type CliStreams = Partial<CliIo>;

export function buildProgram(io: CliIo): Command {
  const program = new Command("veche")
    .description(
      "Veche staff CLI: the resident register, polls, rewards, keys, deployment, audits and the Besu network",
    )
    .version(version(), "-V, --version")
    .option("--network <name>", "network name; picks deployments/<name>.json (env VECHE_NETWORK, default localhost)")
    .option("--rpc <url>", "chain JSON-RPC URL (env CHAIN_RPC_URL, default http://127.0.0.1:8545)")
    .option("--api <url>", "Veche API URL (env VECHE_API_URL, default http://127.0.0.1:8080)")
    .option("--keystore <file>", "staff key keystore; password from VECHE_KEYSTORE_PASSWORD or a prompt")
    .option("--json", "print the result as JSON (errors too, on stderr)")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .addHelpText(
      "after",
      examples([
        "veche residents import register.csv",
        "veche poll create scripts/cli/examples/metro-line.yaml",
        "veche poll show 3 --json",
        "veche poll close 3 && veche poll finalize 3",
        'veche rewards add --cost 30 --stock 50 --title "Theatre ticket"',
        "veche keys create --out staff.keystore.json",
        "veche audit --all",
      ]) +
        "\nThe staff key comes from --keystore, or VECHE_STAFF_KEY, or (on the embedded network) the data folder's\n" +
        "dev keys; the API's staff token from VECHE_STAFF_TOKEN or the data folder (VECHE_DATA_DIR, default .veche).\n" +
        "Exit codes: 0 done, 1 failed, 2 wrong usage; audit and verify-receipt: 0 verified, 1 mismatch, 2 could not check.\n",
    );
  registerResidentsCommands(program, io);
  registerPollCommands(program, io);
  registerRewardCommands(program, io);
  registerKeyCommands(program, io);
  registerDeployCommand(program, io);
  registerAuditCommands(program, io);
  registerBesuCommand(program, io);
  return program;
}

function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../package.json") as { version: string }).version;
}

export async function runCli(argv: readonly string[], streams: CliStreams = {}): Promise<number> {
  const io: CliIo = {
    env: streams.env ?? process.env,
    stdout: streams.stdout ?? process.stdout,
    stderr: streams.stderr ?? process.stderr,
    stdin: streams.stdin ?? process.stdin,
    cwd: streams.cwd ?? process.cwd(),
  };
  const json = argv.includes("--json");
  try {
    await buildProgram(io).parseAsync([...argv], { from: "user" });
    return io.exitCode ?? EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT_OK : EXIT_USAGE;
    }
    const failure =
      error instanceof CliError
        ? error
        : new CliError("UNEXPECTED", error instanceof Error ? error.message : String(error), EXIT_FAILURE);
    if (json) {
      const body = { error: { code: failure.code, message: failure.message, details: failure.details } };
      io.stderr.write(`${JSON.stringify(body)}\n`);
    } else {
      io.stderr.write(`veche: ${failure.message}\n`);
      if (!(error instanceof CliError) && io.env.VECHE_DEBUG && error instanceof Error) {
        io.stderr.write(`${error.stack ?? ""}\n`);
      }
    }
    return failure.exitCode;
  }
}

/** The `veche` executable: scripts/cli/bin.js calls this. */
export function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`veche: ${String(error)}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
