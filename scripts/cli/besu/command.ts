/**
 * `veche besu-network`: generates a Hyperledger Besu QBFT network folder (node/besu): genesis with the
 * validator set, permissioning files, static peers, one key per node and each node's command line.
 */
import type { Command } from "commander";
import { getAddress } from "ethers";
import { generateNetwork } from "../../../node/besu/network";
import type { GenerateNetworkOptions } from "../../../node/besu/network";
import { examples } from "../command";
import type { GlobalOptions } from "../context";
import { CliError, usageError } from "../errors";
import type { CliIo } from "../io";
import { printResult } from "../io";

interface BesuOptions {
  out?: string;
  chainId?: string;
  validators?: string;
  observers?: string;
  hosts?: string;
  p2pPort?: string;
  rpcPort?: string;
  validatorEnodes?: string;
  observerEnodes?: string;
  validatorAddresses?: string;
  accounts?: string;
  balance?: string;
  blockPeriod?: string;
  requestTimeout?: string;
  gasLimit?: string;
}

function int(value: string | undefined, name: string, fallback: number | undefined, min: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw usageError(`--${name} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw usageError(`--${name} must be a whole number, got "${value}"`);
  }
  const n = Number(value);
  if (n < min) throw usageError(`--${name} must be at least ${min}, got ${n}`);
  return n;
}

function bigint(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(value)) throw usageError(`--${name} must be a whole number, got "${value}"`);
  return BigInt(value);
}

function list(value: string | undefined): string[] {
  return (value ?? "")
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
      throw usageError(`--${name}: not a valid address: ${a}`);
    }
  });
}

/** The generator's options from the command line, checked; a wrong one is a usage error. */
export function networkOptions(values: BesuOptions): GenerateNetworkOptions {
  if (values.out === undefined || values.out === "") throw usageError("--out is required");
  const validators = int(values.validators, "validators", 4, 0);
  const validatorEnodes = list(values.validatorEnodes);
  const validatorAddresses = addresses(values.validatorAddresses, "validator-addresses");
  if (validators + validatorEnodes.length + validatorAddresses.length < 1) {
    throw usageError("--validators must be at least 1 (or give --validator-enodes / --validator-addresses)");
  }
  const hosts = list(values.hosts);
  const balance = bigint(values.balance, "balance");
  const gasLimit = bigint(values.gasLimit, "gas-limit");
  return {
    outDir: values.out,
    chainId: int(values.chainId, "chain-id", undefined, 1),
    validators,
    observers: int(values.observers, "observers", 0, 0),
    basePorts: { p2p: int(values.p2pPort, "p2p-port", 30303, 1), rpc: int(values.rpcPort, "rpc-port", 8545, 1) },
    accounts: addresses(values.accounts, "accounts"),
    validatorEnodes,
    observerEnodes: list(values.observerEnodes),
    validatorAddresses,
    ...(hosts.length > 0 ? { hosts } : {}),
    ...(balance !== undefined ? { balance } : {}),
    ...(gasLimit !== undefined ? { gasLimit } : {}),
    ...(values.blockPeriod !== undefined ? { blockPeriodSeconds: int(values.blockPeriod, "block-period", 1, 1) } : {}),
    ...(values.requestTimeout !== undefined
      ? { requestTimeoutSeconds: int(values.requestTimeout, "request-timeout", undefined, 1) }
      : {}),
  };
}

export function registerBesuCommand(program: Command, io: CliIo): void {
  program
    .command("besu-network")
    .description("generate a Hyperledger Besu QBFT network: genesis, permissioning, static peers, node keys")
    .option("--out <dir>", "empty or new folder to write into (required)")
    .option("--chain-id <id>", "chain id of the network, e.g. 1337 (required)")
    .option("--validators <n>", "validator keys to generate here (default 4; QBFT tolerates f faulty of 3f+1)")
    .option("--observers <m>", "read-only observer node keys to generate here (default 0)")
    .option("--hosts <h1,h2,...>", "P2P host of each generated node, validators first, or one for all (127.0.0.1)")
    .option("--p2p-port <port>", "base P2P port; nodes sharing a host get consecutive ports (default 30303)")
    .option("--rpc-port <port>", "base JSON-RPC port (default 8545)")
    .option("--validator-enodes <e1,...>", "validators whose operators generated their own keys (enode URLs)")
    .option("--observer-enodes <e1,...>", "observers run elsewhere (enode URLs)")
    .option("--validator-addresses <a1,...>", "validators known only by address (genesis only; add enodes later)")
    .option("--accounts <a1,...>", "accounts allowed to send transactions (staff, relayers, deployer)")
    .option("--balance <wei>", "balance pre-funded to each account (default 10^24; 0 for none)")
    .option("--block-period <s>", "seconds per block (default 1)")
    .option("--request-timeout <s>", "QBFT round timeout in seconds (default max(4, 2 x block period))")
    .option("--gas-limit <gas>", "block gas limit (default 300000000)")
    .addHelpText(
      "after",
      "\nPrints the paths it wrote (keys and addresses stay in the files); --json prints a summary.\n" +
        examples([
          "veche besu-network --out net --validators 4 --observers 1 --chain-id 1337",
          "veche besu-network --out net --chain-id 7321 --validators 0 \\\n" +
            "      --validator-enodes enode://<id1>@10.0.0.1:30303,enode://<id2>@10.0.0.2:30303,... \\\n" +
            "      --observers 1 --hosts 10.0.0.9 --accounts 0xStaff...,0xRelayer...",
        ]),
    )
    .action((values: BesuOptions, command: Command) => {
      const json = command.optsWithGlobals<GlobalOptions>().json === true;
      const options = networkOptions(values);
      let summary;
      try {
        summary = generateNetwork(options);
      } catch (error) {
        throw new CliError("NETWORK_NOT_GENERATED", (error as Error).message);
      }
      printResult(io, json, summary, () => summary.files.join("\n"));
    });
}
