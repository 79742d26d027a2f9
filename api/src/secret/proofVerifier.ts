/**
 * The intake's proof check on the node (where the API's own checker, localProofVerifier.ts, is not
 * running): each membership proof is verified by the deployed SemaphoreVerifier through
 * `eth_call`, so the node's pairing precompile does the work. Checks from concurrent requests are sent
 * together, one JSON-RPC batch per tick, so a burst costs one round trip rather than one each.
 */
import { verifyProofCalldata } from "../../../contracts/protocol/node/membershipCheck";
import type { MembershipClaim } from "../../../contracts/protocol/node/membershipCheck";
import { RpcError } from "../../../contracts/protocol/node/rpc";
import type { Chain } from "../chain/chain";
import type { Metrics } from "../metrics";
import { chainUnavailable } from "../keys/transactions";

interface Waiting {
  data: string;
  resolve: (valid: boolean) => void;
  reject: (err: unknown) => void;
}

/** Whether a membership proof verifies, as the chain's verifier would decide. */
export interface MembershipVerifier {
  verify(claim: MembershipClaim): Promise<boolean>;
}

/** Most checks in one JSON-RPC batch; more go in further batches sent side by side. */
const BATCH = 256;

export class ProofVerifier implements MembershipVerifier {
  private queue: Waiting[] = [];
  private scheduled = false;
  private verifier: Promise<string> | null = null;
  constructor(
    private readonly chain: Chain,
    private readonly metrics: Metrics,
  ) {}

  /** Whether the verifier accepts the proof; CHAIN_UNAVAILABLE if the node cannot be asked. */
  verify(claim: MembershipClaim): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ data: verifyProofCalldata(claim), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private address(): Promise<string> {
    this.verifier ??= this.chain.ballotBox.membershipVerifier().catch((err: unknown) => {
      this.verifier = null;
      throw err;
    });
    return this.verifier;
  }

  private async flush(): Promise<void> {
    const waiting = this.queue;
    this.queue = [];
    this.scheduled = false;
    let to: string;
    try {
      to = await this.address();
    } catch {
      for (const w of waiting) w.reject(chainUnavailable());
      return;
    }
    const chunks: Waiting[][] = [];
    for (let i = 0; i < waiting.length; i += BATCH) chunks.push(waiting.slice(i, i + BATCH));
    await Promise.all(
      chunks.map(async (chunk) => {
        let answers: (string | RpcError)[];
        try {
          answers = await this.chain.rpc.batch<string>(
            chunk.map((w) => ({ method: "eth_call", params: [{ to, data: w.data }, "latest"] })),
          );
        } catch {
          for (const w of chunk) w.reject(chainUnavailable());
          return;
        }
        chunk.forEach((w, i) => {
          const a = answers[i];
          // A revert (malformed points) is an invalid proof; a node that cannot answer is not.
          if (a instanceof RpcError && a.code === undefined) {
            w.reject(chainUnavailable());
          } else w.resolve(typeof a === "string" && /^0x0*1$/.test(a));
        });
      }),
    );
    this.metrics.proofChecks.inc({ by: "node" }, waiting.length);
    this.metrics.proofBatches.inc({ by: "node" }, chunks.length);
  }
}
