/**
 * A resident's client as an outside developer writes it from PROTOCOL.md section 9, with viem and
 * fetch: activation, enrolment of a key made here, signed ballots, receipts.
 */
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { PrivateKeyAccount } from "viem/accounts";
import { BALLOT_TYPES, domainOf, enrolmentText } from "./stranger";

export interface Deployment {
  chainId: number;
  ballotBox: Hex;
  deployedBlock: number;
}

export interface Receipt {
  pollId: number;
  leafIndex: number;
  leaf: Hex;
  txHash: Hex;
  block: number;
  ballotBox: Hex;
  chainId: number;
  voter: Hex;
  choices: string;
  revision: number;
}

export async function call<T>(
  apiUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(apiUrl + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export async function ok<T>(answer: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`API answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

export class Resident {
  readonly key: PrivateKeyAccount = privateKeyToAccount(generatePrivateKey());
  private constructor(
    private readonly apiUrl: string,
    private readonly deployment: Deployment,
    private readonly token: string,
  ) {}

  /** Activates the account with the code from the register. */
  static async activate(apiUrl: string, deployment: Deployment, residentId: string, code: string) {
    const password = "a long enough password";
    const grant = await ok(
      call<{ token: string }>(apiUrl, "POST", "/api/auth/activate", { residentId, code, password }),
    );
    return new Resident(apiUrl, deployment, grant.token);
  }

  get<T>(path: string): Promise<T> {
    return ok(call<T>(this.apiUrl, "GET", path, undefined, this.token));
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return ok(call<T>(this.apiUrl, "POST", path, body, this.token));
  }

  /** Section 3.1: the key proves itself by signing the enrolment text. */
  async enrol(): Promise<{ address: Hex; status: string }> {
    const { residentHash } = await this.get<{ residentHash: Hex }>("/api/me");
    const issuedAt = new Date().toISOString();
    const text = enrolmentText({ residentHash, key: this.key.address, ...this.deployment, issuedAt });
    const signature = await this.key.signMessage({ message: text });
    return ok(
      call(this.apiUrl, "POST", "/api/me/voter-key", { address: this.key.address, issuedAt, signature }, this.token),
    );
  }

  /** Section 5.2: the EIP-712 ballot. */
  sign(pollId: number, choices: bigint, revision: number): Promise<Hex> {
    return this.key.signTypedData({
      domain: domainOf(this.deployment.chainId, this.deployment.ballotBox),
      types: BALLOT_TYPES,
      primaryType: "Ballot",
      message: { pollId: BigInt(pollId), choices, revision: BigInt(revision) },
    });
  }

  /** Section 5.3: submits the ballot and waits for its receipt. */
  async vote(pollId: number, choices: bigint, revision: number): Promise<{ ballotId: Hex; receipt: Receipt }> {
    const signature = await this.sign(pollId, choices, revision);
    const ballot = { pollId: String(pollId), choices: choices.toString(), revision: String(revision), signature };
    const { ballotId } = await ok(call<{ ballotId: Hex }>(this.apiUrl, "POST", "/api/ballots", ballot));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await this.get<{ status: string; receipt: Receipt | null }>(`/api/ballots/${ballotId}?wait=20`);
      if (state.receipt) return { ballotId, receipt: state.receipt };
      if (state.status === "failed" || Date.now() > deadline) throw new Error(`ballot ${ballotId}: ${state.status}`);
    }
  }
}
