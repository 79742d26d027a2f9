/**
 * Configuration, read and validated once at start. Defaults fit the embedded chain that `npm start`
 * runs; secrets (keys, token, pepper) come from the environment or are passed in by the launcher.
 */
import path from "node:path";
import { z } from "zod";
import type { LimitRules } from "./limits/limiter";

const HOUR_MS = 3_600_000;

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex private key");
const keyList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .pipe(z.array(hexKey));

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("127.0.0.1"),
  VECHE_DATA_DIR: z.string().default(".veche"),
  /** A PostgreSQL URL puts every store there, for several API instances; unset, a SQLite file in the data folder. */
  VECHE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "a postgres:// URL")
    .optional(),
  /** Connections each instance opens to PostgreSQL at most. */
  VECHE_DATABASE_POOL: z.coerce.number().int().min(2).max(500).default(20),
  /** How long an instance's leases (indexer, relayer accounts) last unless renewed; work passes on after it. */
  LEASE_SECONDS: z.coerce.number().positive().max(300).default(10),
  VECHE_NETWORK: z.string().default("localhost"),
  DEPLOYMENTS_DIR: z.string().default("deployments"),
  CHAIN_RPC_URL: z.url().default("http://127.0.0.1:8545"),
  /** What browsers use to read the chain directly; defaults to CHAIN_RPC_URL. */
  CHAIN_PUBLIC_RPC_URL: z.url().optional(),
  RELAYER_KEYS: keyList.optional(),
  REGISTRAR_KEY: hexKey.optional(),
  REWARDS_KEY: hexKey.optional(),
  /** Bearer token for the staff endpoints under /api/admin. */
  STAFF_API_TOKEN: z.string().min(24).optional(),
  /** Secret mixed into resident id hashes so the ledger's ids cannot be guessed from the register. */
  RESIDENT_ID_PEPPER: z.string().min(16).optional(),
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 3600),
  LOCKOUT_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  /** Requests per minute one IP address may make to /api/auth (sign-in, activation, sign-out). */
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Voter-key enrolments (each a registrar transaction) per resident per hour; 0 for no limit. */
  VOTER_KEY_LIMIT_PER_RESIDENT: z.coerce.number().int().nonnegative().default(5),
  /** Voter-key enrolments per network address per hour. */
  VOTER_KEY_LIMIT_PER_ADDRESS: z.coerce.number().int().nonnegative().default(60),
  /** Re-votes (each a relayed transaction) per resident per hour, across polls. */
  REVOTE_LIMIT_PER_RESIDENT: z.coerce.number().int().nonnegative().default(20),
  /** Re-votes per network address per hour. */
  REVOTE_LIMIT_PER_ADDRESS: z.coerce.number().int().nonnegative().default(1000),
  /**
   * Which proxies' X-Forwarded-For to believe for the client's address (per-address limits): Express's
   * `trust proxy` list, e.g. "loopback, 10.0.4.0/24" for a load balancer on that network.
   */
  TRUST_PROXY: z.string().min(1).default("loopback"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** The built web client to serve at /, if any. */
  CLIENT_DIR: z.string().optional(),
  /** Who checks a secret ballot's proof before the 202: the API in its own process, or the node by eth_call. */
  PROOF_CHECK: z.enum(["api", "node"]).default("api"),
  /** Ballots sent per relayer account before waiting for blocks. */
  RELAYER_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(2000),
  /** Tip the relayers pay over twice the base fee; 0 on a zero-fee permissioned network. */
  RELAYER_PRIORITY_FEE_WEI: z.coerce.bigint().nonnegative().default(1_000_000_000n),
  /** The most the relayers pay per gas, fee bumps included. */
  RELAYER_MAX_GAS_PRICE_WEI: z.coerce.bigint().positive().default(1_000_000_000_000n),
  /** 1: check every JSON answer against its documented schema and answer 500 on a mismatch (tests). */
  API_CHECK_ANSWERS: z.enum(["0", "1"]).default("0"),
});

export type RawConfig = z.input<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePool: number;
  leaseTtlMs: number;
  network: string;
  deploymentsDir: string;
  rpcUrl: string;
  publicRpcUrl: string;
  relayerKeys: string[];
  registrarKey: string | undefined;
  rewardsKey: string | undefined;
  staffToken: string | undefined;
  residentPepper: string | undefined;
  sessionTtlSeconds: number;
  lockoutSeconds: number;
  authRateLimitPerMinute: number;
  limits: LimitRules;
  trustProxy: string;
  logLevel: string;
  clientDir: string | undefined;
  proofCheck: "api" | "node";
  relayerMaxInFlight: number;
  relayerPriorityFee: bigint;
  relayerMaxGasPrice: bigint;
  checkAnswers: boolean;
}

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
}

/** Validates `env` (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.VECHE_DATA_DIR),
    databaseUrl: c.VECHE_DATABASE_URL,
    databasePool: c.VECHE_DATABASE_POOL,
    leaseTtlMs: c.LEASE_SECONDS * 1000,
    network: c.VECHE_NETWORK,
    deploymentsDir: path.resolve(c.DEPLOYMENTS_DIR),
    rpcUrl: c.CHAIN_RPC_URL,
    publicRpcUrl: c.CHAIN_PUBLIC_RPC_URL ?? c.CHAIN_RPC_URL,
    relayerKeys: c.RELAYER_KEYS ?? [],
    registrarKey: c.REGISTRAR_KEY,
    rewardsKey: c.REWARDS_KEY,
    staffToken: c.STAFF_API_TOKEN,
    residentPepper: c.RESIDENT_ID_PEPPER,
    sessionTtlSeconds: c.SESSION_TTL_SECONDS,
    lockoutSeconds: c.LOCKOUT_SECONDS,
    authRateLimitPerMinute: c.AUTH_RATE_LIMIT_PER_MINUTE,
    limits: {
      enrolmentsPerResident: { max: c.VOTER_KEY_LIMIT_PER_RESIDENT, windowMs: HOUR_MS },
      enrolmentsPerAddress: { max: c.VOTER_KEY_LIMIT_PER_ADDRESS, windowMs: HOUR_MS },
      revotesPerResident: { max: c.REVOTE_LIMIT_PER_RESIDENT, windowMs: HOUR_MS },
      revotesPerAddress: { max: c.REVOTE_LIMIT_PER_ADDRESS, windowMs: HOUR_MS },
    },
    trustProxy: c.TRUST_PROXY,
    logLevel: c.LOG_LEVEL,
    clientDir: c.CLIENT_DIR,
    proofCheck: c.PROOF_CHECK,
    relayerMaxInFlight: c.RELAYER_MAX_IN_FLIGHT,
    relayerPriorityFee: c.RELAYER_PRIORITY_FEE_WEI,
    relayerMaxGasPrice: c.RELAYER_MAX_GAS_PRICE_WEI,
    checkAnswers: c.API_CHECK_ANSWERS === "1",
  };
}
