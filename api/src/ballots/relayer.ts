/**
 * Sends outbox ballots as transactions, one ballot each, from the relayer accounts this instance
 * leases (relayerAccounts.ts), whose nonces it manages itself. Ballots are claimed from the shared
 * outbox and recorded as sent before they are broadcast; a checker then re-broadcasts what the node
 * lost, bumps fees of what is stuck, re-queues what was displaced, and ends what the contract refused
 * — for its own accounts, including those it took over from an instance that died. The contract's
 * revision rule makes any re-send harmless: a ballot can be counted once at most.
 */
import { Transaction } from "ethers";
import type { Logger } from "pino";
import { MAX_BALLOT_GAS, ballotGasLimit, decodeRevert, secretBallotGasLimit } from "../../../contracts/protocol";
import type { Question } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import type { Metrics } from "../metrics";
import { encodeCastBallot, signLegacyTx } from "../../../contracts/protocol/node/ballotCodec";
import { encodeCastSecretBallot } from "../../../contracts/protocol/node/secretCodec";
import { OUT_OF_GAS, failureOf } from "./failures";
import type { Instance } from "../cluster/instance";
import { RelayerAccounts } from "./relayerAccounts";
import type { Account } from "./relayerAccounts";
import type { OutboxBallot, OutboxStore, SentBallot } from "./store";

/** What the gas of a poll's ballots depends on. */
export interface PollShape {
  questions: readonly Question[];
  revote: boolean;
}

export interface RelayerOptions {
  /** Most unmined transactions per account. */
  maxInFlight: number;
  batchSize: number;
  tickMs: number;
  /** How long a sent transaction may go unseen before the checker looks at it. */
  checkAfterMs: number;
  /** How long a transaction may stay pending before its fee is raised. */
  bumpAfterMs: number;
  /** Tip over twice the base fee, in wei. */
  priorityFee: bigint;
  /** The most this relayer pays per gas, bumps included. */
  maxGasPrice: bigint;
}

export const defaultRelayerOptions: RelayerOptions = {
  maxInFlight: 2000,
  batchSize: 500,
  tickMs: 25,
  checkAfterMs: 5_000,
  bumpAfterMs: 30_000,
  priorityFee: 1_000_000_000n,
  maxGasPrice: 1_000_000_000_000n,
};

/** How deep a ballot's block must be before its signed transaction is no longer kept. */
const KEEP_TRANSACTIONS_BLOCKS = 64;

/** A ballot out of gas is sent again with twice the gas, up to this multiple of its bound. */
const MAX_GAS_FACTOR = 8;

/** How often the checker looks for lost, stuck, reverted and displaced transactions. */
const CHECK_EVERY_MS = 1_000;

export class Relayer {
  private readonly leased: RelayerAccounts;
  /** Each poll's shape, or null for a poll the chain does not know: a poll's shape never changes. */
  private readonly shapes = new Map<number, PollShape | null>();
  private gasPrice = 0n;
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private leasing: Promise<void> | null = null;
  private sending: Promise<void> | null = null;
  private checking: Promise<void> | null = null;
  private stopped = true;
  /** Each account's mined nonce at the previous check: lower nonces had a check's time to be indexed. */
  private minedBefore = new Map<string, number>();

  constructor(
    private readonly chain: Chain,
    private readonly outbox: OutboxStore,
    /** The shape of a poll, to give each ballot the gas it needs; null for a poll not known. */
    private readonly pollShape: (pollId: number) => Promise<PollShape | null>,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly instance: Instance,
    private readonly options: RelayerOptions = defaultRelayerOptions,
  ) {
    this.leased = new RelayerAccounts(chain.relayers, instance);
  }

  /** Running; on a shared store an instance that holds no account (others do) is ready too. */
  get ready(): boolean {
    return !this.stopped && (this.leased.held.size > 0 || !this.instance.options.exclusive);
  }

  /** The accounts this instance sends from now. */
  get accounts(): string[] {
    return [...this.leased.held.keys()];
  }

  /** Takes its share of accounts, reconciles their ballots with the chain, then starts sending. Call after the indexer caught up. */
  async start(): Promise<void> {
    if (this.chain.relayers.length === 0) throw new Error("no relayer keys configured");
    await this.refreshGasPrice();
    this.stopped = false;
    await this.maintainAccounts();
    await this.check(0);
    this.schedule();
    this.scheduleCheck();
    this.scheduleLeases();
  }

  /** Stops sending and lets other instances take its accounts at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.checkTimer) clearTimeout(this.checkTimer);
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    await Promise.all([this.sending, this.checking, this.leasing]);
    await Promise.all([...this.leased.held.values()].map((a) => this.leased.release(a))).catch(() => undefined);
  }

  /**
   * Renews this instance's leases and adjusts its share. A new account starts at the node's pending
   * nonce or past the last nonce recorded for it, whichever is higher, so the previous holder's
   * unmined ballots keep theirs; the checker then re-sends what the node lost of them.
   */
  private async maintainAccounts(): Promise<void> {
    const { adopted, dropped } = await this.leased.maintain();
    if (dropped.length > 0) {
      await this.sending;
      await Promise.all(dropped.map((a) => this.leased.release(a)));
      this.log.info({ accounts: dropped.map((a) => a.address) }, "gave up relayer accounts");
    }
    if (adopted.length === 0) return;
    try {
      const open = await this.outbox.inFlight(adopted.map((a) => a.address));
      for (const account of adopted) {
        const pending = await this.chain.provider.getTransactionCount(account.address, "pending");
        const mine = open.filter((b) => b.relayer === account.address && b.nonce !== null);
        account.nonce = Math.max(pending, ...mine.map((b) => (b.nonce ?? 0) + 1));
        account.inFlight = mine.length;
        account.ready = true;
      }
    } catch (err) {
      await Promise.all(adopted.filter((a) => !a.ready).map((a) => this.leased.abandon(a).catch(() => undefined)));
      throw err;
    }
    this.log.info({ accounts: adopted.map((a) => a.address) }, "took relayer accounts");
  }

  /** New ballots are waiting. */
  notify(): void {
    if (!this.stopped && !this.sending) this.schedule(0);
  }

  /** A ballot's event was indexed: its account has room for another. */
  settled(relayer: string | null): void {
    const account = relayer === null ? undefined : this.leased.held.get(relayer);
    if (account && account.inFlight > 0) account.inFlight--;
  }

  private schedule(delay = this.options.tickMs): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.sending = this.sendBatch()
        .catch((err: unknown) => this.log.error({ err }, "relayer could not send ballots"))
        .finally(() => {
          this.sending = null;
          if (!this.stopped) this.schedule();
        });
    }, delay);
  }

  private scheduleCheck(): void {
    this.checkTimer = setTimeout(() => {
      this.checking = Promise.all([this.check(this.options.checkAfterMs), this.refreshGasPrice()])
        .then(() => undefined)
        .catch((err: unknown) => this.log.warn({ err }, "relayer check failed; will retry"))
        .finally(() => {
          this.checking = null;
          if (!this.stopped) this.scheduleCheck();
        });
    }, CHECK_EVERY_MS);
  }

  /** Leases are renewed on their own timer, so that a slow check never lets them lapse. */
  private scheduleLeases(): void {
    this.leaseTimer = setTimeout(
      () => {
        this.leasing = this.maintainAccounts()
          .catch((err: unknown) => this.log.warn({ err }, "relayer could not renew its leases; will retry"))
          .finally(() => {
            this.leasing = null;
            if (!this.stopped) this.scheduleLeases();
          });
      },
      Math.min(CHECK_EVERY_MS, this.instance.options.leaseTtlMs / 5),
    );
  }

  /**
   * Twice the latest base fee plus a fixed tip: room for the base fee to rise for several full blocks.
   * Never a multiple of eth_gasPrice, which some nodes derive from recent tips — our own — and which
   * would then feed back and grow without bound.
   */
  private async refreshGasPrice(): Promise<void> {
    const block = await this.chain.rpc.call<{ baseFeePerGas?: string } | null>("eth_getBlockByNumber", [
      "latest",
      false,
    ]);
    const price = block?.baseFeePerGas
      ? BigInt(block.baseFeePerGas) * 2n + this.options.priorityFee
      : BigInt(await this.chain.rpc.call<string>("eth_gasPrice", []));
    this.gasPrice = price < this.options.maxGasPrice ? price : this.options.maxGasPrice;
  }

  private pickAccount(accounts: readonly Account[]): Account | null {
    for (let i = 0; i < accounts.length; i++) {
      const account = accounts[(this.next + i) % accounts.length];
      if (account && account.inFlight < this.options.maxInFlight) {
        this.next = (this.next + i + 1) % accounts.length;
        return account;
      }
    }
    return null;
  }

  private async sendBatch(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const accounts = this.leased.usable();
      if (accounts.length === 0) return;
      const before = accounts.map((a) => ({ a, nonce: a.nonce, inFlight: a.inFlight }));
      const unknownPolls = new Set<number>();
      let sent: SentBallot[];
      try {
        sent = await this.outbox.claim(
          this.options.batchSize,
          (ballot) => {
            const shape = this.shapes.get(ballot.pollId);
            if (shape === undefined) {
              unknownPolls.add(ballot.pollId);
              return null;
            }
            const account = this.pickAccount(accounts);
            if (!account) return null;
            account.inFlight++;
            return this.sign(account, ballot, account.nonce++, this.gasPrice, this.gasLimit(ballot, shape));
          },
          Date.now(),
        );
      } catch (err) {
        // Nothing was recorded, so nothing was sent: the nonces are free again.
        for (const { a, nonce, inFlight } of before) Object.assign(a, { nonce, inFlight });
        throw err;
      }
      for (const pollId of unknownPolls) this.shapes.set(pollId, await this.pollShape(pollId));
      if (sent.length > 0) await this.broadcast(sent);
      if (sent.length === 0 && unknownPolls.size === 0) return;
    }
  }

  /** The ballot's gas: the bound for its poll's shape and choices, times its out-of-gas factor. */
  private gasLimit(ballot: OutboxBallot, shape: PollShape | null): bigint {
    const secret = ballot.secret;
    const bound = !shape
      ? MAX_BALLOT_GAS * 2n
      : secret
        ? secretBallotGasLimit(shape.questions, shape.revote, ballot.choices, secret.siblings.length)
        : ballotGasLimit(shape.questions, shape.revote, ballot.choices);
    return bound * BigInt(ballot.gasFactor);
  }

  /** The ballot's castBallot or castSecretBallot calldata. */
  private calldata(ballot: OutboxBallot): Buffer {
    if (!ballot.secret) {
      return encodeCastBallot(
        BigInt(ballot.pollId),
        ballot.choices,
        BigInt(ballot.revision),
        Buffer.from(ballot.signature.slice(2), "hex"),
      );
    }
    const [pollId, choices, revision, area, proof] = secretArgs(ballot);
    return encodeCastSecretBallot({ pollId, choices, revision, area, proof });
  }

  private sign(account: Account, ballot: OutboxBallot, nonce: number, gasPrice: bigint, gasLimit: bigint): SentBallot {
    const data = this.calldata(ballot);
    const { raw: rawTx, hash } = signLegacyTx(
      {
        nonce,
        gasPrice,
        gasLimit,
        to: this.chain.deployment.ballotBox,
        data,
        chainId: this.chain.chainId,
      },
      account.privateKey,
    );
    return { id: ballot.id, relayer: account.address, nonce, txHash: hash, rawTx };
  }

  /** Sends transactions in JSON-RPC batches; returns those the node took (or already had). */
  private async broadcast(sent: readonly SentBallot[]): Promise<SentBallot[]> {
    const taken: SentBallot[] = [];
    for (let i = 0; i < sent.length; i += 500) {
      const chunk = sent.slice(i, i + 500);
      let results: unknown[];
      try {
        results = await this.chain.rpc.batch(
          chunk.map((s) => ({ method: "eth_sendRawTransaction", params: [s.rawTx] })),
        );
      } catch (err) {
        // The node is unreachable: the ballots stay "sent" and the checker re-broadcasts them.
        this.log.warn({ err }, "broadcast failed; the checker will retry");
        return taken;
      }
      results.forEach((r, j) => {
        const s = chunk[j];
        if (!s) return;
        if (!(r instanceof Error) || /already known|already imported/i.test(r.message)) taken.push(s);
        else this.log.debug({ err: r, ballot: s.id, nonce: s.nonce }, "broadcast refused; the checker will retry");
      });
    }
    this.metrics.ballotsSent.inc(taken.length);
    return taken;
  }

  /**
   * Looks at ballots not yet seen on-chain: those whose nonce was already used at the previous check
   * (so the indexer had time to count them) at once — they reverted or were displaced — and the rest
   * once they were sent more than `olderThanMs` ago.
   */
  private async check(olderThanMs: number): Promise<void> {
    const now = Date.now();
    const accounts = [...this.leased.held.values()].filter((a) => a.ready);
    const [head, ...nonces] = await this.chain.rpc.batch<string>([
      { method: "eth_blockNumber", params: [] },
      ...accounts.map((a) => ({ method: "eth_getTransactionCount", params: [a.address, "latest"] })),
      ...accounts.map((a) => ({ method: "eth_getTransactionCount", params: [a.address, "pending"] })),
    ]);
    if (head instanceof Error) throw head;
    const minedNonce = new Map<string, number>();
    const pendingNonce = new Map<string, number>();
    const count = (n: string | Error | undefined) => {
      if (n instanceof Error || n === undefined) throw n ?? new Error("no nonce answer");
      return Number(n);
    };
    accounts.forEach((a, i) => {
      minedNonce.set(a.address, count(nonces[i]));
      pendingNonce.set(a.address, count(nonces[accounts.length + i]));
    });
    const minedBefore = this.minedBefore;
    this.minedBefore = minedNonce;
    await this.outbox.pruneRawTransactions(Number(head) - KEEP_TRANSACTIONS_BLOCKS);
    // The indexer may run in another instance: count each account's unmined ballots afresh.
    const sentCounts = await this.outbox.sentPerRelayer();
    for (const a of accounts) a.inFlight = sentCounts.get(a.address) ?? 0;
    const stale = (await this.outbox.inFlight(accounts.map((a) => a.address))).filter(
      (b) =>
        (b.sentAt ?? 0) <= now - olderThanMs ||
        (b.relayer !== null && b.nonce !== null && b.nonce < (minedBefore.get(b.relayer) ?? 0)),
    );
    if (stale.length === 0) return;

    const requeue: string[] = [];
    const rebroadcast: SentBallot[] = [];
    const replacements: SentBallot[] = [];
    const signed = stale.filter((b) => b.relayer && b.nonce !== null && b.txHash && b.rawTx);
    for (const b of stale) if (!signed.includes(b)) requeue.push(b.id);
    // Below the account's pending nonce the node holds a transaction of ours: nothing to look up unless
    // its fee is due a raise. Under a long queue this spares the node a lookup per waiting ballot.
    const held = (b: OutboxBallot) =>
      b.nonce! >= (minedNonce.get(b.relayer!) ?? 0) && b.nonce! < (pendingNonce.get(b.relayer!) ?? 0);
    for (const b of signed.filter(held)) {
      if ((b.sentAt ?? now) > now - this.options.bumpAfterMs) continue;
      const replacement = this.bump(b, {
        id: b.id,
        relayer: b.relayer!,
        nonce: b.nonce!,
        txHash: b.txHash!,
        rawTx: b.rawTx!,
      });
      if (replacement) replacements.push(replacement);
    }
    const lookups = signed.filter((b) => !held(b));
    // In JSON-RPC batches: after a node restart thousands of ballots are looked at at once.
    const isMined = (b: OutboxBallot) => b.nonce! < (minedNonce.get(b.relayer!) ?? 0);
    const answers: ({ status?: string; gasUsed?: string } | null | Error)[] = [];
    for (let i = 0; i < lookups.length; i += 500) {
      const calls = lookups.slice(i, i + 500).map((b) => ({
        method: isMined(b) ? "eth_getTransactionReceipt" : "eth_getTransactionByHash",
        params: [b.txHash],
      }));
      answers.push(...(await this.chain.rpc.batch<{ status?: string; gasUsed?: string } | null>(calls)));
    }
    for (const [i, b] of lookups.entries()) {
      const answer = answers[i];
      if (answer instanceof Error) throw answer;
      const sent: SentBallot = { id: b.id, relayer: b.relayer!, nonce: b.nonce!, txHash: b.txHash!, rawTx: b.rawTx! };
      if (isMined(b)) {
        const status = answer ? Number(answer.status) : null;
        if (status === 1) continue; // counted; the indexer will mark it
        if (status === 0) await this.settleReverted(b, BigInt(answer?.gasUsed ?? 0));
        else requeue.push(b.id); // its nonce went to another transaction
        continue;
      }
      if (!answer) rebroadcast.push(sent);
      else if ((b.sentAt ?? now) <= now - this.options.bumpAfterMs) {
        const replacement = this.bump(b, sent);
        if (replacement) replacements.push(replacement);
      }
    }
    if (requeue.length > 0) {
      await this.outbox.requeue(requeue);
      for (const id of requeue) this.settled(stale.find((b) => b.id === id)?.relayer ?? null);
      this.log.info({ count: requeue.length }, "re-queued ballots whose transactions were displaced");
      this.notify();
    }
    if (rebroadcast.length > 0) {
      rebroadcast.sort((x, y) => x.nonce - y.nonce);
      this.log.info({ count: rebroadcast.length }, "re-broadcasting ballots the node does not have");
      await this.outbox.markSent(rebroadcast, Date.now());
      await this.broadcast(rebroadcast);
    }
    if (replacements.length > 0) {
      // Recorded only once the node takes them: a refused replacement must not hide the original.
      const taken = await this.broadcast(replacements.sort((x, y) => x.nonce - y.nonce));
      await this.outbox.markSent(taken, Date.now());
      this.log.info(
        { count: taken.length, refused: replacements.length - taken.length },
        "raised fees of stuck ballots",
      );
    }
  }

  /** A replacement for a stuck transaction: same nonce, a fee at least 12.5% higher, within the cap. */
  private bump(ballot: OutboxBallot, sent: SentBallot): SentBallot | null {
    const account = this.leased.held.get(sent.relayer);
    const previous = Transaction.from(sent.rawTx).gasPrice ?? this.gasPrice;
    const raised = previous + previous / 8n + 1n;
    const price = raised > this.gasPrice ? raised : this.gasPrice;
    if (!account || account.usableUntil <= Date.now() || price > this.options.maxGasPrice) return null;
    return this.sign(account, ballot, sent.nonce, price, Transaction.from(sent.rawTx).gasLimit);
  }

  /**
   * A mined transaction reverted: ask the contract why, by replaying the call now. If it would count
   * the ballot now, the transaction ran out of gas (or the chain moved): send it again with more gas.
   */
  private async settleReverted(ballot: OutboxBallot, gasUsed: bigint): Promise<void> {
    let revert: string | null = null;
    try {
      const box = this.chain.ballotBox.connect(this.chain.relayers[0] ?? null);
      if (ballot.secret) await box.castSecretBallot.staticCall(...secretArgs(ballot));
      else await box.castBallot.staticCall(ballot.pollId, ballot.choices, ballot.revision, ballot.signature);
    } catch (err) {
      revert = decodeRevert(err)?.name ?? "unknown";
    }
    if (revert === null && ballot.gasFactor < MAX_GAS_FACTOR) {
      await this.outbox.requeueWithMoreGas(ballot.id);
      this.settled(ballot.relayer);
      this.log.warn({ ballot: ballot.id, gasUsed: gasUsed.toString() }, "ballot ran out of gas; sending it with more");
      this.notify();
      return;
    }
    const { status, code } = revert === null ? { status: "failed" as const, code: OUT_OF_GAS } : failureOf(revert);
    await this.outbox.finish(ballot.id, status, code, Date.now());
    this.settled(ballot.relayer);
    this.metrics.ballotsFailed.inc({ code });
    this.log.warn({ ballot: ballot.id, code, status }, "ballot transaction reverted");
  }
}

/** castSecretBallot's arguments from an outbox row. */
function secretArgs(ballot: OutboxBallot) {
  const s = ballot.secret!;
  return [
    BigInt(ballot.pollId),
    ballot.choices,
    BigInt(ballot.revision),
    { area: s.area, members: s.members, root: BigInt(s.root), index: s.index, siblings: s.siblings },
    { nullifier: BigInt(s.nullifier), depth: BigInt(s.depth), points: s.points.map(BigInt) },
  ] as const;
}
