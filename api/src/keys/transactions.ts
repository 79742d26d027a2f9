/**
 * Sending staff-key transactions (registrar, rewards) on behalf of residents. One wallet's sends go
 * one at a time so concurrent requests never take the same nonce; the waits for receipts overlap.
 * Reverts come back as the contract's error name.
 */
import { isError } from "ethers";
import type { TransactionReceipt, TransactionResponse, Wallet } from "ethers";
import type { Logger } from "pino";
import { decodeRevert } from "../../../contracts/protocol";
import type { DecodedRevert } from "../../../contracts/protocol";
import { AppError, unavailable } from "../errors";

/** How long a resident's request waits for its transaction to be mined. */
export const MINE_TIMEOUT_MS = 60_000;

export class ContractRevert extends Error {
  constructor(readonly revert: DecodedRevert) {
    super(`the contract refused with ${revert.name}`);
    this.name = "ContractRevert";
  }
}

export const chainUnavailable = () =>
  unavailable("CHAIN_UNAVAILABLE", "the chain could not be reached or did not answer in time; try again");

export class SerialSender {
  private tail: Promise<unknown> = Promise.resolve();
  /** The nonce after this sender's last broadcast; the node's pending count can lag behind it. */
  private next: number | null = null;

  constructor(private readonly wallet: Wallet) {}

  /** Broadcasts after every earlier send of this wallet was broadcast. */
  send(tx: { to: string; data: string }): Promise<TransactionResponse> {
    const run = () => this.sendNow(tx);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** After a lost or stuck transaction: take the node's count again rather than leave a gap. */
  forgetNonce(): void {
    this.next = null;
  }

  private async sendNow(tx: { to: string; data: string }): Promise<TransactionResponse> {
    for (let attempt = 0; ; attempt++) {
      // The node's count as well as our own: the staff CLI may send with the same key.
      const pending = await this.wallet.getNonce("pending");
      const nonce = Math.max(pending, this.next ?? 0);
      try {
        const response = await this.wallet.sendTransaction({ ...tx, nonce });
        this.next = nonce + 1;
        return response;
      } catch (err) {
        const taken = isError(err, "NONCE_EXPIRED") || isError(err, "REPLACEMENT_UNDERPRICED");
        if (!taken || attempt >= 4) throw err;
        this.next = nonce + 1;
      }
    }
  }
}

/**
 * Sends and waits for the receipt. A revert, whether found when estimating gas or after mining
 * (then replayed with `replay` to learn why), throws ContractRevert; anything else CHAIN_UNAVAILABLE.
 */
export async function sendAndWait(
  sender: SerialSender,
  tx: { to: string; data: string },
  replay: () => Promise<unknown>,
  log: Logger,
): Promise<TransactionReceipt> {
  let receipt: TransactionReceipt | null;
  try {
    const response = await sender.send(tx);
    receipt = await response.wait(1, MINE_TIMEOUT_MS);
  } catch (err) {
    const decoded = decodeRevert(err);
    if (decoded) throw new ContractRevert(decoded);
    if (isError(err, "CALL_EXCEPTION")) {
      const why = await replay().then(
        () => null,
        (e: unknown) => decodeRevert(e),
      );
      if (why) throw new ContractRevert(why);
    }
    log.warn({ err }, "a transaction was not sent or not mined in time");
    sender.forgetNonce();
    throw chainUnavailable();
  }
  if (!receipt) throw chainUnavailable();
  return receipt;
}

/** Runs a chain read, turning a node failure into CHAIN_UNAVAILABLE. */
export async function readChain<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw chainUnavailable();
  }
}

/** Runs `task` after earlier tasks with the same key; different keys run side by side. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
