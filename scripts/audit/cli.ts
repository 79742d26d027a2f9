/**
 * `audit` and `verify-receipt` as commands: argv in, exit code out (0 all checks pass, 1 a mismatch was
 * found, 2 the command could not run: bad arguments, unreadable files, an unreachable node). The staff
 * CLI mounts these; scripts/audit/bin/* run them standalone.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { isAddress, getAddress } from "ethers";
import { parseDeployment } from "../../contracts/protocol";
import { auditAllPolls, auditPoll } from "./audit";
import type { AuditProgress } from "./audit";
import type { AuditReport } from "./checker";
import { formatAudit, formatReceipt } from "./format";
import { progressBar } from "./progress";
import type { Output } from "./progress";
import { parseReceipt, verifyReceipt } from "./receipt";
import { AuditError } from "./rpc";

export interface CommandIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
}

const defaultIo = (): CommandIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

const DEFAULT_RPC = "http://127.0.0.1:8545";
const DEFAULT_DEPLOYMENTS = path.resolve(__dirname, "..", "..", "deployments");

export const AUDIT_HELP = `Usage: veche audit --poll ID | --all [options]

Recounts polls from the chain alone: every ballot event, its signature and its signer's eligibility
(from the registry's history), the tallies and the Merkle root, compared with what the contract stores
and with the published final result. Exits 0 when everything matches, 1 on any mismatch, 2 on errors.

Options:
  --rpc URL              JSON-RPC of any node of the chain (default $CHAIN_RPC_URL or ${DEFAULT_RPC})
  --poll ID              the poll to audit
  --all                  audit every poll
  --network NAME         read the ballot box and its deployment block from deployments/NAME.json
                         (default "localhost" when neither this nor --ballot-box is given)
  --deployments-dir DIR  where deployment files are (default $DEPLOYMENTS_DIR or ./deployments)
  --ballot-box ADDRESS   the ballot box contract, instead of a deployment file
  --from-block N         first block to scan (default the deployment's block, else 0)
  --json                 print the report as JSON
  --help                 this text

Examples:
  veche audit --rpc http://127.0.0.1:8545 --poll 3
  veche audit --network localhost --all --json > audit.json
  (from a checkout without the CLI installed: npm run audit -- --poll 3)`;

export const VERIFY_RECEIPT_HELP = `Usage: veche verify-receipt [options] RECEIPT.json

Checks a ballot receipt ({ pollId, leafIndex, leaf, txHash, block, ballotBox, chainId }) against the
chain alone: the transaction's BallotCast log has that leaf, the tree rebuilt from the poll's events
holds it at that index, and the root equals the contract's ballotRoot (and the final root once the poll
is finalized). Exits 0 when verified, 1 when not, 2 on errors.

Options:
  --rpc URL              JSON-RPC of any node of the chain (default $CHAIN_RPC_URL or ${DEFAULT_RPC})
  --receipt FILE         the receipt file ("-" for stdin); or give it as the argument
  --network NAME         take the first block to scan from deployments/NAME.json
  --deployments-dir DIR  where deployment files are (default $DEPLOYMENTS_DIR or ./deployments)
  --from-block N         first block to scan (default the deployment's block, else 0)
  --json                 print the result as JSON
  --help                 this text

Examples:
  veche verify-receipt --rpc http://127.0.0.1:8545 my-receipt.json
  (from a checkout without the CLI installed: npm run verify-receipt -- my-receipt.json)`;

function usage(message: string): never {
  throw new AuditError("USAGE", message);
}

function blockNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) usage(`--from-block must be a block number, got "${value}"`);
  return Number(value);
}

function readDeploymentFile(dir: string, network: string) {
  if (!/^[\w.-]+$/.test(network)) usage(`--network must be a plain name, got "${network}"`);
  const file = path.join(dir, `${network}.json`);
  if (!fs.existsSync(file)) return null;
  try {
    return parseDeployment(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (error) {
    throw new AuditError("DEPLOYMENT_FILE_INVALID", `${file}: ${(error as Error).message}`);
  }
}

/** Runs `action`, turning errors into a message and exit code 2. */
async function guarded(io: CommandIo, json: boolean, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    const code = error instanceof AuditError ? error.code : "AUDIT_FAILED";
    const message = error instanceof Error ? error.message : String(error);
    if (json) io.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
    else io.stderr.write(`error ${code}: ${message}\n`);
    return 2;
  }
}

type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

function parse(argv: readonly string[], options: OptionSpec, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (error) {
    return usage((error as Error).message);
  }
}

export async function runAuditCommand(argv: readonly string[], io: CommandIo = defaultIo()): Promise<number> {
  const json = argv.includes("--json");
  return guarded(io, json, async () => {
    const { values } = parse(
      argv,
      {
        rpc: { type: "string" },
        poll: { type: "string" },
        all: { type: "boolean" },
        network: { type: "string" },
        "deployments-dir": { type: "string" },
        "ballot-box": { type: "string" },
        "from-block": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
      false,
    );
    if (values.help) {
      io.stdout.write(`${AUDIT_HELP}\n`);
      return 0;
    }
    const pollArg = values.poll as string | undefined;
    if (!values.all && pollArg === undefined) usage("give --poll ID or --all (see --help)");
    if (values.all && pollArg !== undefined) usage("give either --poll or --all, not both");
    if (pollArg !== undefined && !/^[1-9]\d{0,19}$/.test(pollArg)) usage(`--poll must be a poll id, got "${pollArg}"`);
    const target = resolveTarget(values, io);
    const rpcUrl = (values.rpc as string | undefined) ?? io.env.CHAIN_RPC_URL ?? DEFAULT_RPC;

    const bar = progressBar(io.stderr, pollArg ? `poll ${pollArg}` : "all polls");
    const options = { rpcUrl, ...target, onProgress: (p: AuditProgress) => bar.update(p) };
    let reports: AuditReport[];
    try {
      reports = pollArg ? [await auditPoll({ ...options, pollId: BigInt(pollArg) })] : await auditAllPolls(options);
    } finally {
      bar.done();
    }
    const ok = auditExitCode(reports) === 0;
    if (json) io.stdout.write(`${JSON.stringify(values.all ? { ok, polls: reports } : reports[0], null, 2)}\n`);
    else {
      io.stdout.write(`${reports.map(formatAudit).join("\n\n")}\n`);
      if (values.all) io.stdout.write(`\n${reports.length} polls audited: ${ok ? "all OK" : "MISMATCH FOUND"}\n`);
    }
    return auditExitCode(reports);
  });
}

/** 0 when every report is clean, 1 when any found a mismatch. */
export function auditExitCode(reports: readonly AuditReport[]): number {
  return reports.every((r) => r.ok) ? 0 : 1;
}

interface TargetArgs {
  network?: string;
  "deployments-dir"?: string;
  "ballot-box"?: string;
  "from-block"?: string;
}

function resolveTarget(values: TargetArgs, io: CommandIo): { ballotBox: string; fromBlock: number } {
  const dir = values["deployments-dir"] ?? io.env.DEPLOYMENTS_DIR ?? DEFAULT_DEPLOYMENTS;
  const given = values["ballot-box"];
  if (given !== undefined && !isAddress(given))
    usage(`--ballot-box must be an address, got "${String(values["ballot-box"])}"`);
  const network = values.network ?? (given === undefined ? "localhost" : undefined);
  const deployment = network ? readDeploymentFile(dir, network) : null;
  if (network && !deployment && given === undefined) {
    usage(`no deployment file ${path.join(dir, `${network}.json`)}; give --ballot-box or --network`);
  }
  const ballotBox = given !== undefined ? getAddress(given) : deployment!.ballotBox;
  const sameContract = deployment && deployment.ballotBox === ballotBox;
  return { ballotBox, fromBlock: blockNumber(values["from-block"]) ?? (sameContract ? deployment.deployedBlock : 0) };
}

export async function runVerifyReceiptCommand(argv: readonly string[], io: CommandIo = defaultIo()): Promise<number> {
  const json = argv.includes("--json");
  return guarded(io, json, async () => {
    const { values, positionals } = parse(
      argv,
      {
        rpc: { type: "string" },
        receipt: { type: "string" },
        network: { type: "string" },
        "deployments-dir": { type: "string" },
        "from-block": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
      true,
    );
    if (values.help) {
      io.stdout.write(`${VERIFY_RECEIPT_HELP}\n`);
      return 0;
    }
    const file = (values.receipt as string | undefined) ?? positionals[0];
    if (!file || positionals.length > (values.receipt ? 0 : 1)) usage("give one receipt file (see --help)");
    let text: string;
    try {
      text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (error) {
      throw new AuditError("RECEIPT_UNREADABLE", `cannot read ${file}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AuditError("RECEIPT_INVALID", `${file} is not JSON`);
    }
    const receipt = parseReceipt(parsed);
    const dir = (values["deployments-dir"] as string | undefined) ?? io.env.DEPLOYMENTS_DIR ?? DEFAULT_DEPLOYMENTS;
    const network = values.network as string | undefined;
    const deployment = network ? readDeploymentFile(dir, network) : null;
    if (network && !deployment) usage(`no deployment file ${path.join(dir, `${network}.json`)}`);
    const fromBlock =
      blockNumber(values["from-block"] as string | undefined) ??
      (deployment?.ballotBox === receipt.ballotBox ? deployment.deployedBlock : 0);
    const rpcUrl = (values.rpc as string | undefined) ?? io.env.CHAIN_RPC_URL ?? DEFAULT_RPC;
    const report = await verifyReceipt({ rpcUrl, receipt, fromBlock });
    io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReceipt(report)}\n`);
    return report.ok ? 0 : 1;
  });
}
