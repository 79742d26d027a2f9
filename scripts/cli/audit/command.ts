/**
 * `veche audit` and `veche verify-receipt`: the observers' tools of scripts/audit, reading the chain
 * alone. Their exit codes: 0 verified, 1 a mismatch, 2 could not check (or a wrong command line).
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { parseDeployment, RpcUnreachableError } from "../../../contracts/protocol";
import type { Deployment } from "../../../contracts/protocol";
import { auditAllPolls, auditPoll } from "../../audit/audit";
import type { AuditReport } from "../../audit/checker";
import { formatAudit, formatReceipt } from "../../audit/format";
import { parseReceipt, verifyReceipt } from "../../audit/receipt";
import { address, contextOf, examples, integer } from "../command";
import type { GlobalOptions } from "../context";
import { deploymentsDirFrom } from "../dataFolder";
import { cannotCheck, EXIT_MISMATCH, usageError } from "../errors";
import type { CliIo } from "../io";
import { printResult } from "../io";
import { progressBar } from "../progress";

interface AuditOptions {
  poll?: number;
  all?: boolean;
  ballotBox?: string;
  fromBlock?: number;
  deploymentsDir?: string;
}

function readDeploymentFile(dir: string, network: string): Deployment | null {
  if (!/^[\w.-]+$/.test(network)) throw usageError(`--network must be a plain name, got "${network}"`);
  const file = path.join(dir, `${network}.json`);
  if (!fs.existsSync(file)) return null;
  try {
    return parseDeployment(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (error) {
    throw cannotCheck("DEPLOYMENT_FILE_INVALID", `${file}: ${(error as Error).message}`);
  }
}

/** The ballot box and first block to scan: --ballot-box, else the network's deployment file. */
function auditTarget(io: CliIo, globals: GlobalOptions, options: AuditOptions) {
  const dir = options.deploymentsDir ?? deploymentsDirFrom(io.env, io.cwd);
  const network = globals.network ?? io.env.VECHE_NETWORK ?? (options.ballotBox === undefined ? "localhost" : null);
  const deployment = network ? readDeploymentFile(dir, network) : null;
  if (network && !deployment && options.ballotBox === undefined) {
    throw usageError(`no deployment file ${path.join(dir, `${network}.json`)}; give --ballot-box or --network`);
  }
  const ballotBox = options.ballotBox ?? deployment!.ballotBox;
  const sameContract = deployment?.ballotBox === ballotBox;
  return { ballotBox, fromBlock: options.fromBlock ?? (sameContract ? deployment.deployedBlock : 0) };
}

/** A node that cannot be reached is a check that could not run, not a mismatch. */
async function reading<T>(rpcUrl: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof RpcUnreachableError) throw cannotCheck("CHAIN_UNREACHABLE", error.message);
    throw error;
  }
}

export function registerAuditCommands(program: Command, io: CliIo): void {
  program
    .command("audit")
    .description("recount polls from the chain alone and check signatures, eligibility, tallies and roots")
    .option("--poll <id>", "the poll to audit", integer(1, 0xffffffff))
    .option("--all", "audit every poll")
    .option("--ballot-box <address>", "the ballot box contract, instead of the network's deployment file", address)
    .option("--from-block <n>", "first block to scan (default the deployment's block, else 0)", integer(0))
    .option("--deployments-dir <dir>", "where deployment files are (default $DEPLOYMENTS_DIR or ./deployments)")
    .addHelpText(
      "after",
      "\nReads every ballot event, its signature and its signer's eligibility (from the registry's history), the\n" +
        "tallies and the Merkle root, and compares them with what the contract stores and with the published\n" +
        "final result. Exits 0 when everything matches, 1 on any mismatch, 2 when it could not check.\n" +
        examples([
          "veche audit --rpc http://127.0.0.1:8545 --poll 3",
          "veche audit --network localhost --all --json > audit.json",
          "npm run audit -- --poll 3   # from a checkout",
        ]),
    )
    .action(async (options: AuditOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (!options.all && options.poll === undefined) throw usageError("give --poll ID or --all (see --help)");
      if (options.all && options.poll !== undefined) throw usageError("give either --poll or --all, not both");
      const rpcUrl = contextOf(io, command).rpcUrl;
      const target = { rpcUrl, ...auditTarget(io, globals, options) };
      const bar = progressBar(io.stderr, options.poll ? `poll ${options.poll}` : "all polls");
      const onProgress = (p: { phase: string; blocksDone: number; blocksTotal: number; ballots: number }) => {
        const what =
          p.phase === "registry"
            ? "reading the voter registry"
            : p.phase === "tree"
              ? "rebuilding the tree"
              : "ballots";
        bar.update(p.blocksDone, p.blocksTotal, `${what} ${p.ballots.toLocaleString("en")}`);
      };
      let reports: AuditReport[];
      try {
        reports = await reading(rpcUrl, async () =>
          options.poll !== undefined
            ? [await auditPoll({ ...target, pollId: options.poll, onProgress })]
            : auditAllPolls({ ...target, onProgress }),
        );
      } finally {
        bar.done();
      }
      const ok = reports.every((r) => r.ok);
      const summary = options.all ? `\n\n${reports.length} polls audited: ${ok ? "all OK" : "MISMATCH FOUND"}` : "";
      printResult(
        io,
        globals.json === true,
        options.all ? { ok, polls: reports } : reports[0],
        () => `${reports.map(formatAudit).join("\n\n")}${summary}`,
      );
      if (!ok) io.exitCode = EXIT_MISMATCH;
    });

  program
    .command("verify-receipt")
    .description("check a ballot receipt against the chain alone")
    .argument("<receipt.json>", 'the receipt file ("-" for stdin)')
    .option("--from-block <n>", "first block to scan (default the deployment's block, else 0)", integer(0))
    .option("--deployments-dir <dir>", "where deployment files are (default $DEPLOYMENTS_DIR or ./deployments)")
    .addHelpText(
      "after",
      "\nChecks a receipt ({ pollId, leafIndex, leaf, txHash, block, ballotBox, chainId }, and the ballot's\n" +
        "voter, choices and revision if it has them): the transaction's BallotCast log has that leaf, the tree\n" +
        "rebuilt from the poll's events holds it at that index, and the root equals the contract's ballotRoot\n" +
        "(and the final root once the poll is finalized). Exits 0 when verified, 1 when not, 2 when it could not check.\n" +
        examples(["veche verify-receipt --rpc http://127.0.0.1:8545 my-receipt.json"]),
    )
    .action(async (file: string, options: AuditOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      let text: string;
      try {
        text = fs.readFileSync(file === "-" ? 0 : path.resolve(io.cwd, file), "utf8");
      } catch (error) {
        throw cannotCheck("RECEIPT_UNREADABLE", `cannot read ${file}: ${(error as Error).message}`);
      }
      const receipt = parseReceipt(text);
      const network = globals.network ?? io.env.VECHE_NETWORK;
      const dir = options.deploymentsDir ?? deploymentsDirFrom(io.env, io.cwd);
      const deployment = network ? readDeploymentFile(dir, network) : null;
      if (globals.network && !deployment) throw usageError(`no deployment file ${path.join(dir, `${network}.json`)}`);
      const fromBlock =
        options.fromBlock ?? (deployment?.ballotBox === receipt.ballotBox ? deployment.deployedBlock : 0);
      const rpcUrl = contextOf(io, command).rpcUrl;
      const report = await reading(rpcUrl, () => verifyReceipt({ rpcUrl, receipt, fromBlock }));
      printResult(io, globals.json === true, report, () => formatReceipt(report));
      if (!report.ok) io.exitCode = EXIT_MISMATCH;
    });
}
