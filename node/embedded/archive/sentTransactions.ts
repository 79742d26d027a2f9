/**
 * Signed transactions sent through the front, by the hash the node answered, until the copier takes
 * them into the archive. The copier then needs from the node only each block's header and receipts:
 * asking it for the transactions themselves would make it recover every sender's key a second time.
 * A transaction never mined (replaced, dropped) is forgotten after a while; one the copier does not
 * find here is read from the node.
 */
const FORGET_AFTER_MS = 10 * 60 * 1000;

export class SentTransactions {
  private readonly byHash = new Map<string, { raw: string; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.byHash.size;
  }

  /** Notes the transactions of a request body whose answer the node has given. */
  noteAnswered(body: string, answer: string): void {
    let calls: unknown;
    let answers: unknown;
    try {
      calls = JSON.parse(body);
      answers = JSON.parse(answer);
    } catch {
      return;
    }
    const callList = Array.isArray(calls) ? calls : [calls];
    const hashById = new Map<unknown, string>();
    for (const a of Array.isArray(answers) ? answers : [answers]) {
      const { id, result } = (a ?? {}) as { id?: unknown; result?: unknown };
      // eth_sendRawTransactionSync answers with the receipt.
      const hash =
        typeof result === "object" && result !== null
          ? (result as { transactionHash?: unknown }).transactionHash
          : result;
      if (typeof hash === "string" && /^0x[0-9a-fA-F]{64}$/.test(hash)) hashById.set(id, hash.toLowerCase());
    }
    const at = this.now();
    for (const c of callList) {
      const { id, method, params } = (c ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
      if (method !== "eth_sendRawTransaction" && method !== "eth_sendRawTransactionSync") continue;
      const raw: unknown = Array.isArray(params) ? (params as unknown[])[0] : undefined;
      const hash = hashById.get(id);
      if (typeof raw === "string" && hash !== undefined && !this.byHash.has(hash)) {
        this.byHash.set(hash, { raw: raw.toLowerCase(), at });
      }
    }
    this.forgetOld(at);
  }

  /** The signed bytes of a transaction sent through the front, once; undefined if not known here. */
  take(hash: string): string | undefined {
    const key = hash.toLowerCase();
    const found = this.byHash.get(key);
    if (found) this.byHash.delete(key);
    return found?.raw;
  }

  private forgetOld(now: number): void {
    // Insertion order is time order: the oldest are first.
    for (const [hash, { at }] of this.byHash) {
      if (now - at < FORGET_AFTER_MS) break;
      this.byHash.delete(hash);
    }
  }
}
