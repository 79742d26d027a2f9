// CLI: generate a Besu QBFT network folder.
//   npx ts-node node/besu/cli.ts --out DIR --validators 4 --observers 1 --chain-id 1337
import { parseArgs } from "node:util";
import { getAddress } from "ethers";
import { generateNetwork } from "./network";
import type { GenerateNetworkOptions } from "./network";

export const HELP = `Generate a Hyperledger Besu QBFT network: genesis, permissioning, static peers,
one key per node and the command line of every node.

Usage: npx ts-node node/besu/cli.ts --out DIR --chain-id ID [options]

Required:
  --out DIR                   empty or new folder to write into
  --chain-id ID               chain id of the network (e.g. 1337)

Nodes:
  --validators N              validator keys to generate here (default 4; QBFT tolerates f faulty of 3f+1)
  --observers M               read-only observer node keys to generate here (default 0)
  --hosts H1,H2,...           P2P host of each generated node, validators first; or one host for all
                              (default 127.0.0.1; nodes sharing a host get consecutive ports)
  --p2p-port PORT             base P2P port (default 30303)
  --rpc-port PORT             base JSON-RPC port (default 8545)
  --validator-enodes E1,...   validators whose operators generated their own keys (enode URLs)
  --observer-enodes E1,...    observers run elsewhere (enode URLs)
  --validator-addresses A1,.. validators known only by address (genesis only; add their enodes later)

Chain:
  --accounts A1,A2,...        accounts allowed to send transactions (staff, relayers, deployer)
  --balance WEI               balance pre-funded to each account (default 10^24; 0 for none)
  --block-period S            seconds per block (default 1)
  --request-timeout S         QBFT round timeout in seconds (default max(4, 2 x block period))
  --gas-limit GAS             block gas limit (default 300000000)

Output:
  --json                      print a JSON summary (validators, enode URLs, files written)
  -h, --help                  show this help

Examples:
  npx ts-node node/besu/cli.ts --out net --validators 4 --observers 1 --chain-id 1337
  npx ts-node node/besu/cli.ts --out net --chain-id 7321 --validators 0 \\
    --validator-enodes enode://<id1>@10.0.0.1:30303,enode://<id2>@10.0.0.2:30303,... \\
    --observers 1 --hosts 10.0.0.9 --accounts 0xStaff...,0xRelayer...
`;

export class UsageError extends Error {}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const OPTIONS = {
  out: { type: "string" },
  "chain-id": { type: "string" },
  validators: { type: "string" },
  observers: { type: "string" },
  hosts: { type: "string" },
  "p2p-port": { type: "string" },
  "rpc-port": { type: "string" },
  "validator-enodes": { type: "string" },
  "observer-enodes": { type: "string" },
  "validator-addresses": { type: "string" },
  accounts: { type: "string" },
  balance: { type: "string" },
  "block-period": { type: "string" },
  "request-timeout": { type: "string" },
  "gas-limit": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function int(value: string | undefined, name: string, fallback: number | undefined, min: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  }
  const n = Number(value);
  if (n < min) throw new UsageError(`--${name} must be at least ${min}, got ${n}`);
  return n;
}

function bigint(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return BigInt(value);
}

function list(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}

function addresses(value: string | undefined, name: string): string[] {
  return list(value).map((a) => {
    try {
      // Also rejects a mixed-case address whose checksum is wrong.
      return getAddress(a);
    } catch {
      throw new UsageError(`--${name}: not a valid address: ${a}`);
    }
  });
}

export function parseCli(argv: readonly string[]): GenerateNetworkOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return "help";
  if (values.out === undefined || values.out === "") throw new UsageError("--out is required");
  const validators = int(values.validators, "validators", 4, 0);
  const validatorEnodes = list(values["validator-enodes"]);
  const validatorAddresses = addresses(values["validator-addresses"], "validator-addresses");
  if (validators + validatorEnodes.length + validatorAddresses.length < 1) {
    throw new UsageError("--validators must be at least 1 (or give --validator-enodes / --validator-addresses)");
  }
  const options: GenerateNetworkOptions = {
    outDir: values.out,
    chainId: int(values["chain-id"], "chain-id", undefined, 1),
    validators,
    observers: int(values.observers, "observers", 0, 0),
    basePorts: {
      p2p: int(values["p2p-port"], "p2p-port", 30303, 1),
      rpc: int(values["rpc-port"], "rpc-port", 8545, 1),
    },
    accounts: addresses(values.accounts, "accounts"),
    validatorEnodes,
    observerEnodes: list(values["observer-enodes"]),
    validatorAddresses,
  };
  const hosts = list(values.hosts);
  if (hosts.length > 0) options.hosts = hosts;
  const balance = bigint(values.balance, "balance");
  if (balance !== undefined) options.balance = balance;
  const gasLimit = bigint(values["gas-limit"], "gas-limit");
  if (gasLimit !== undefined) options.gasLimit = gasLimit;
  if (values["block-period"] !== undefined)
    options.blockPeriodSeconds = int(values["block-period"], "block-period", 1, 1);
  if (values["request-timeout"] !== undefined) {
    options.requestTimeoutSeconds = int(values["request-timeout"], "request-timeout", undefined, 1);
  }
  return options;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 bad arguments). */
export function main(argv: readonly string[], io: Io): number {
  const json = argv.includes("--json");
  try {
    const options = parseCli(argv);
    if (options === "help") {
      io.out(HELP);
      return 0;
    }
    const summary = generateNetwork(options);
    if (json) {
      io.out(JSON.stringify(summary, null, 2) + "\n");
    } else {
      // Paths only: keys and addresses stay in the files.
      io.out(summary.files.join("\n") + "\n");
    }
    return 0;
  } catch (e) {
    const usage = e instanceof UsageError;
    const message = (e as Error).message;
    if (json) io.err(JSON.stringify({ error: message }) + "\n");
    else io.err(`error: ${message}${usage ? "\n(see --help)" : ""}\n`);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
}
