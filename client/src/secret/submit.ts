/**
 * Sending a secret ballot and following it, unlinkably: every request here goes without the session
 * token and without cookies (`credentials: "omit"`), since the proof is the ballot's authorisation and
 * anything that names the resident would link them to it.
 */
import { ApiError } from "../api";
import { chainReader } from "../chain";
import type { ChainConfig } from "../types";
import type { AcceptedSecretBallot, SecretBallotBody, SecretBallotState } from "../secretTypes";
import type { SecretReceipt } from "./secretReceipt";

async function anonymous<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, "NETWORK_ERROR", error instanceof Error ? error.message : String(error));
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, "BAD_RESPONSE", `unexpected answer from ${path}`);
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? res.statusText,
      error?.details,
    );
  }
  return parsed as T;
}

export function postSecretBallot(body: SecretBallotBody): Promise<AcceptedSecretBallot> {
  return anonymous<AcceptedSecretBallot>("POST", "/api/secret-ballots", body);
}

export function secretBallotState(ballotId: string): Promise<SecretBallotState> {
  return anonymous<SecretBallotState>("GET", `/api/secret-ballots/${encodeURIComponent(ballotId)}`);
}

const FINAL = new Set(["mined", "failed", "superseded"]);

/** Polls the ballot's state until it is mined, failed or superseded (or `timeoutMs` passes). */
export async function waitForSecretBallot(
  ballotId: string,
  onState: (state: SecretBallotState) => void = () => undefined,
  timeoutMs = 120_000,
): Promise<SecretBallotState> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await secretBallotState(ballotId);
    onState(state);
    if (FINAL.has(state.status) || Date.now() > until) return state;
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
}

/**
 * The receipt of a mined secret ballot: the API's, checked against what this device sent (the check
 * against the chain comes when the resident asks); else made here, its block read from the node.
 */
export async function secretReceiptOf(
  state: SecretBallotState,
  sent: { pollId: number; nullifier: string; area: number; choices: string; revision: number },
  config: ChainConfig,
): Promise<SecretReceipt | null> {
  const given = state.receipt;
  if (
    given &&
    given.pollId === sent.pollId &&
    given.nullifier === sent.nullifier &&
    given.area === sent.area &&
    given.choices === sent.choices &&
    given.revision === sent.revision
  ) {
    return given;
  }
  if (!state.txHash || !state.leaf || state.leafIndex === undefined || state.leafIndex === null) return null;
  const mined = await chainReader(config).provider.getTransactionReceipt(state.txHash);
  if (!mined) return null;
  return {
    pollId: sent.pollId,
    leafIndex: state.leafIndex,
    leaf: state.leaf.toLowerCase(),
    txHash: state.txHash.toLowerCase(),
    block: mined.blockNumber,
    ballotBox: config.ballotBox,
    chainId: config.chainId,
    nullifier: sent.nullifier,
    area: sent.area,
    choices: sent.choices,
    revision: sent.revision,
  };
}
