// Writes everything a Besu QBFT network needs into one folder: genesis, the
// permissioning file, static peers, one folder per generated node with its key,
// and the command line of every node. Private keys only go to <node>/key (0600).
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { getAddress } from "ethers";
import { besuArgs, runScript } from "./commands";
import type { NodeCommandInput, NodeRole } from "./commands";
import { enodeAddress, formatEnode, parseEnode } from "./enode";
import { qbftGenesis, sortAddresses } from "./genesis";
import { generateNodeKey, keyFileContent, publicKeyFileContent } from "./keys";
import type { NodeKey } from "./keys";
import { permissionsToml, staticNodesJson } from "./permissions";

/** 1,000,000 ether: staff and relayer accounts never run dry even if a client pays a tip. */
export const DEFAULT_BALANCE = 10n ** 24n;

export interface GenerateNetworkOptions {
  outDir: string;
  chainId: number;
  /** Validators whose keys are generated here. */
  validators: number;
  /** Read-only observer nodes whose keys are generated here. */
  observers: number;
  /** P2P host per generated node (validators first, then observers), or one host for all. */
  hosts?: readonly string[];
  basePorts?: { p2p?: number; rpc?: number };
  /** Accounts allowed to send transactions (staff, relayers, deployer); pre-funded too. */
  accounts?: readonly string[];
  /** Balance given to each account in `accounts`; 0n for none. */
  balance?: bigint;
  /** Validators whose operators generated their own keys, by enode URL. */
  validatorEnodes?: readonly string[];
  /** Observers whose operators generated their own keys, by enode URL. */
  observerEnodes?: readonly string[];
  /** Validators known only by address: genesis only, their enodes must be added later. */
  validatorAddresses?: readonly string[];
  blockPeriodSeconds?: number;
  requestTimeoutSeconds?: number;
  gasLimit?: bigint;
}

export interface NetworkNode {
  name: string;
  role: NodeRole;
  address: string;
  /** null for validators known only by address. */
  enode: string | null;
  /** True when this run generated the key (and wrote <name>/key). */
  generated: boolean;
  p2pPort: number | null;
  rpcPort: number | null;
}

export interface NetworkSummary {
  outDir: string;
  chainId: number;
  extraData: string;
  validators: NetworkNode[];
  observers: NetworkNode[];
  /** Absolute paths of every file written. */
  files: string[];
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function checkCount(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${n}`);
  return n;
}

function checkPort(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${what} must be 1-65535, got ${n}`);
  return n;
}

function checkHost(host: string): string {
  if (isIP(host) === 0 && !HOSTNAME.test(host)) throw new Error(`not an IP address or host name: ${host}`);
  return host;
}

/** A node with a command line: its key is generated here, or its operator holds it. */
interface Planned extends NodeCommandInput {
  key: NodeKey | null;
  publicKey: string;
}

function plan(options: GenerateNetworkOptions): Planned[] {
  const roles: NodeRole[] = [
    ...Array<NodeRole>(checkCount(options.validators, "validators")).fill("validator"),
    ...Array<NodeRole>(checkCount(options.observers, "observers")).fill("observer"),
  ];
  const hosts = (options.hosts ?? ["127.0.0.1"]).map(checkHost);
  if (roles.length > 0 && hosts.length !== 1 && hosts.length !== roles.length) {
    throw new Error(`give one host, or one per generated node (${roles.length}), got ${hosts.length}`);
  }
  const p2pBase = checkPort(options.basePorts?.p2p ?? 30303, "P2P port");
  const rpcBase = checkPort(options.basePorts?.rpc ?? 8545, "RPC port");
  const accountsAllowlist = (options.accounts ?? []).length > 0;
  const onHost = new Map<string, number>();
  const generated = roles.map((role, i) => {
    const host = (hosts.length === 1 ? hosts[0] : hosts[i]) as string;
    // Nodes sharing a host get consecutive ports; a node alone on its host keeps the base ports.
    const offset = onHost.get(host) ?? 0;
    onHost.set(host, offset + 1);
    const key = generateNodeKey();
    return {
      role,
      host,
      p2pPort: checkPort(p2pBase + offset, "P2P port"),
      rpcPort: checkPort(rpcBase + offset, "RPC port"),
      key,
      publicKey: key.publicKey,
    };
  });
  const external = (urls: readonly string[] | undefined, role: NodeRole) =>
    (urls ?? []).map((url) => {
      const enode = parseEnode(url);
      return {
        role,
        host: checkHost(enode.host),
        p2pPort: enode.port,
        rpcPort: rpcBase,
        key: null,
        publicKey: enode.publicKey,
      };
    });
  const nodes = [
    ...generated.filter((n) => n.role === "validator"),
    ...external(options.validatorEnodes, "validator"),
    ...generated.filter((n) => n.role === "observer"),
    ...external(options.observerEnodes, "observer"),
  ];
  const dnsEnabled = nodes.some((n) => isIP(n.host) === 0);
  const counters: Record<NodeRole, number> = { validator: 0, observer: 0 };
  return nodes.map((n) => ({ ...n, name: `${n.role}-${++counters[n.role]}`, accountsAllowlist, dnsEnabled }));
}

function ensureEmptyDir(dir: string): void {
  // Never overwrite: a second run over a live network's folder would replace its keys.
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`output folder is not empty: ${dir}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
}

function writeFile(files: string[], path: string, content: string, mode: number): void {
  writeFileSync(path, content, { mode, flag: "wx" });
  chmodSync(path, mode); // the umask may have narrowed it; make it exact
  files.push(path);
}

function commandsMarkdown(summary: NetworkSummary, planned: readonly Planned[]): string {
  const row = (n: NetworkNode) =>
    `| ${n.name} | ${n.role} | ${n.address} | ${n.generated ? "generated here" : "held by its operator"} | ${n.enode ?? "(address only)"} |`;
  const faulty = Math.floor((summary.validators.length - 1) / 3);
  const out = [
    "# Veche QBFT network",
    "",
    `Chain id ${summary.chainId}. ${summary.validators.length} validator(s): the chain keeps finalising blocks`,
    `while at most ${faulty} of them fail or misbehave (QBFT tolerates f of 3f+1).`,
    "",
    "| node | role | address | key | enode |",
    "|---|---|---|---|---|",
    ...[...summary.validators, ...summary.observers].map(row),
    "",
    "## Distribute",
    "",
    "Every host gets the public files `genesis.json`, `static-nodes.json`, `permissions_config.toml`",
    "and its own `run-<node>.sh`. A generated node's folder (with its private `key`) goes to that",
    "node's host only; delete it from this machine once copied. An operator who generated their own",
    "key puts it at `<node>/key` beside `run-<node>.sh` (mode 0600).",
    "",
  ];
  if (summary.validators.some((v) => v.enode === null)) {
    out.push(
      "Some validators are known only by address: add their enode URLs to `static-nodes.json` and",
      "`nodes-allowlist` on every node before starting, or they cannot connect.",
      "",
    );
  }
  out.push("## Start", "", "Run `./run-<node>.sh` on each host, or from this folder:", "");
  for (const node of planned) {
    out.push(`### ${node.name} (${node.role})`, "", "```sh", `besu \\\n  ${besuArgs(node).join(" \\\n  ")}`, "```", "");
  }
  return out.join("\n");
}

export function generateNetwork(options: GenerateNetworkOptions): NetworkSummary {
  const outDir = resolve(options.outDir);
  const accounts = (options.accounts ?? []).map((a) => getAddress(a));
  const planned = plan(options);
  const toNode = (p: Planned): NetworkNode => ({
    name: p.name,
    role: p.role,
    address: enodeAddress({ publicKey: p.publicKey, host: p.host, port: p.p2pPort }),
    enode: formatEnode({ publicKey: p.publicKey, host: p.host, port: p.p2pPort }),
    generated: p.key !== null,
    p2pPort: p.p2pPort,
    rpcPort: p.rpcPort,
  });
  const addressOnly = (options.validatorAddresses ?? []).map((a, i): NetworkNode => ({
    name: `address-validator-${i + 1}`,
    role: "validator",
    address: getAddress(a),
    enode: null,
    generated: false,
    p2pPort: null,
    rpcPort: null,
  }));
  const validators = [...planned.filter((p) => p.role === "validator").map(toNode), ...addressOnly];
  const observers = planned.filter((p) => p.role === "observer").map(toNode);
  if (validators.length < 1) throw new Error("at least one validator is required");

  const all = [...validators, ...observers];
  const enodes = all.flatMap((n) => (n.enode === null ? [] : [n.enode]));
  const endpoints = enodes.map((e) => e.slice(e.indexOf("@")));
  if (new Set(endpoints).size !== endpoints.length) throw new Error("two nodes share the same host and port");
  const ids = all.map((n) => n.address.toLowerCase());
  if (new Set(ids).size !== ids.length) throw new Error("the same node key appears twice");

  const balance = options.balance ?? DEFAULT_BALANCE;
  const genesis = qbftGenesis({
    chainId: options.chainId,
    validators: sortAddresses(validators.map((v) => v.address)),
    ...(options.blockPeriodSeconds !== undefined && { blockPeriodSeconds: options.blockPeriodSeconds }),
    ...(options.requestTimeoutSeconds !== undefined && { requestTimeoutSeconds: options.requestTimeoutSeconds }),
    ...(options.gasLimit !== undefined && { gasLimit: options.gasLimit }),
    alloc: balance > 0n ? Object.fromEntries(accounts.map((a) => [a, balance])) : {},
  });

  ensureEmptyDir(outDir);
  const files: string[] = [];
  writeFile(files, join(outDir, "genesis.json"), JSON.stringify(genesis, null, 2) + "\n", 0o644);
  writeFile(files, join(outDir, "permissions_config.toml"), permissionsToml({ nodes: enodes, accounts }), 0o644);
  writeFile(files, join(outDir, "static-nodes.json"), staticNodesJson(enodes), 0o644);
  for (const node of planned) {
    if (node.key !== null) {
      const dir = join(outDir, node.name);
      mkdirSync(dir, { mode: 0o700 });
      chmodSync(dir, 0o700);
      writeFile(files, join(dir, "key"), keyFileContent(node.key), 0o600);
      writeFile(files, join(dir, "key.pub"), publicKeyFileContent(node.key) + "\n", 0o644);
      writeFile(files, join(dir, "address"), node.key.address + "\n", 0o644);
    }
    writeFile(files, join(outDir, `run-${node.name}.sh`), runScript(node), 0o755);
  }
  const summary: NetworkSummary = {
    outDir,
    chainId: options.chainId,
    extraData: genesis.extraData,
    validators,
    observers,
    files,
  };
  writeFile(files, join(outDir, "commands.md"), commandsMarkdown(summary, planned), 0o644);
  // The public part, portable to every host: no local paths.
  const publicSummary = { chainId: summary.chainId, extraData: summary.extraData, validators, observers };
  writeFile(files, join(outDir, "network.json"), JSON.stringify(publicSummary, null, 2) + "\n", 0o644);
  return summary;
}
