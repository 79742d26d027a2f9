// QBFT genesis for Besu (block header validator selection).
// Shape from Besu's QBFT docs; forks through Cancun at genesis so contracts
// compiled for evmVersion "cancun" run; zeroBaseFee for a free-gas network.
import { getAddress, toQuantity } from "ethers";
import { encodeGenesisExtraData } from "./extraData";

/** 300,000,000: ~5,000 votes of ~57k gas per block (30M would hold ~528). */
export const DEFAULT_GAS_LIMIT = 0x11e1a300n;
export const DEFAULT_BLOCK_PERIOD_SECONDS = 1;
export const DEFAULT_EPOCH_LENGTH = 30000;
/** "Istanbul block identification", required by Besu for IBFT 2.0/QBFT. */
export const QBFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
const ZERO_HASH = "0x" + "00".repeat(32);
const ZERO_ADDRESS = "0x" + "00".repeat(20);

export interface QbftGenesisOptions {
  chainId: number;
  /** Initial validators; written to extraData in ascending address order. */
  validators: readonly string[];
  blockPeriodSeconds?: number;
  /** Round timeout; default max(4, 2 x block period) — Besu suggests starting from 2x the block time. */
  requestTimeoutSeconds?: number;
  epochLength?: number;
  gasLimit?: bigint;
  /** Pre-funded accounts: address -> balance in wei. */
  alloc?: Readonly<Record<string, bigint>>;
}

export interface QbftGenesis {
  config: Record<string, unknown> & {
    chainId: number;
    qbft: { blockperiodseconds: number; epochlength: number; requesttimeoutseconds: number };
  };
  nonce: string;
  timestamp: string;
  extraData: string;
  gasLimit: string;
  difficulty: string;
  mixHash: string;
  coinbase: string;
  baseFeePerGas: string;
  blobGasUsed: string;
  excessBlobGas: string;
  parentBeaconBlockRoot: string;
  alloc: Record<string, { balance: string }>;
  number: string;
  gasUsed: string;
  parentHash: string;
}

function positiveInt(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}

/** Ascending by address bytes, as Besu's docs ask for the initial validator list. */
export function sortAddresses(addresses: readonly string[]): string[] {
  const lower = addresses.map((a) => getAddress(a).toLowerCase());
  if (new Set(lower).size !== lower.length) throw new Error("duplicate validator address");
  return lower.sort().map((a) => getAddress(a));
}

export function qbftGenesis(options: QbftGenesisOptions): QbftGenesis {
  const chainId = positiveInt(options.chainId, "chain id");
  const period = positiveInt(options.blockPeriodSeconds ?? DEFAULT_BLOCK_PERIOD_SECONDS, "block period");
  const timeout = positiveInt(options.requestTimeoutSeconds ?? Math.max(4, 2 * period), "request timeout");
  const epoch = positiveInt(options.epochLength ?? DEFAULT_EPOCH_LENGTH, "epoch length");
  const gasLimit = options.gasLimit ?? DEFAULT_GAS_LIMIT;
  if (gasLimit < 5000n) throw new Error(`gas limit too low: ${gasLimit}`);
  if (options.validators.length < 1) throw new Error("at least one validator is required");

  const alloc: Record<string, { balance: string }> = {};
  for (const [address, balance] of Object.entries(options.alloc ?? {})) {
    if (balance < 0n) throw new Error(`negative balance for ${address}`);
    // Besu's docs write alloc keys as lower-case hex without 0x.
    alloc[getAddress(address).slice(2).toLowerCase()] = { balance: toQuantity(balance) };
  }

  return {
    config: {
      chainId,
      homesteadBlock: 0,
      eip150Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      zeroBaseFee: true,
      qbft: { blockperiodseconds: period, epochlength: epoch, requesttimeoutseconds: timeout },
    },
    nonce: "0x0",
    timestamp: "0x0",
    extraData: encodeGenesisExtraData(sortAddresses(options.validators)),
    gasLimit: toQuantity(gasLimit),
    difficulty: "0x1",
    mixHash: QBFT_MIX_HASH,
    coinbase: ZERO_ADDRESS,
    // Cancun-at-genesis header fields, written out so every node hashes the same genesis.
    baseFeePerGas: "0x0",
    blobGasUsed: "0x0",
    excessBlobGas: "0x0",
    parentBeaconBlockRoot: ZERO_HASH,
    alloc,
    number: "0x0",
    gasUsed: "0x0",
    parentHash: ZERO_HASH,
  };
}
