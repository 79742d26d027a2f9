/** Steps a resident takes through the API, shared by the resident API tests. */
import crypto from "node:crypto";
import { Wallet } from "ethers";
import type { HDNodeWallet, NonceManager } from "ethers";
import { REDEMPTION_TYPES, ballotDomain, enrolmentMessage } from "../../contracts/protocol";
import { STAFF_TOKEN, http } from "./harness";
import type { Stack } from "./harness";

export const PASSWORD = "correct horse battery staple";

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface Grant {
  token: string;
  expiresAt: string;
}

export interface Me {
  residentId: string;
  district: number;
  building: string;
  residentHash: string;
  resident: number | null;
  voterKey: null | { address: string; status: string; txHash: string; enrolledAt: string };
}

/** A resident id no other test uses. */
export function newResidentId(prefix = "r"): string {
  return `${prefix}-${crypto.randomBytes(6).toString("hex")}`;
}

export async function importResidents(
  stack: Stack,
  residents: { residentId: string; district: number; building: string }[],
) {
  const res = await http<{ created: { residentId: string; activationCode: string }[]; existing: string[] }>(
    stack,
    "POST",
    "/api/admin/residents",
    { residents },
    STAFF_TOKEN,
  );
  if (res.status !== 200) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Imports one resident and returns their activation code. */
export async function registerResident(stack: Stack, district = 1, building = "Tverskaya 7") {
  const residentId = newResidentId();
  const { created } = await importResidents(stack, [{ residentId, district, building }]);
  const code = created[0]?.activationCode;
  if (!code) throw new Error("no activation code issued");
  return { residentId, code };
}

/** Imports and activates a resident; returns their session token. */
export async function signedInResident(stack: Stack, district = 1) {
  const { residentId, code } = await registerResident(stack, district);
  const res = await http<Grant>(stack, "POST", "/api/auth/activate", { residentId, code, password: PASSWORD });
  if (res.status !== 200) throw new Error(`activation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { residentId, token: res.body.token };
}

export async function me(stack: Stack, token: string): Promise<Me> {
  const res = await http<Me>(stack, "GET", "/api/me", undefined, token);
  if (res.status !== 200) throw new Error(`GET /api/me failed: ${res.status}`);
  return res.body;
}

/** The enrolment proof a browser would send: `signer` signs the text naming `key` and `residentHash`. */
export async function enrolmentProof(
  stack: Stack,
  residentHash: string,
  key: { address: string },
  signer: HDNodeWallet | Wallet,
  issuedAt = new Date().toISOString(),
) {
  const message = enrolmentMessage({
    residentHash,
    address: key.address,
    chainId: stack.deployment.chainId,
    ballotBox: stack.deployment.ballotBox,
    issuedAt,
  });
  return { address: key.address, issuedAt, signature: await signer.signMessage(message) };
}

/** Enrols a fresh key for the signed-in resident through the API. */
export async function enrolThroughApi(stack: Stack, token: string) {
  const key = Wallet.createRandom();
  const { residentHash } = await me(stack, token);
  const res = await http<{ address: string; status: string; txHash: string; revoked: string | null }>(
    stack,
    "POST",
    "/api/me/voter-key",
    await enrolmentProof(stack, residentHash, key, key),
    token,
  );
  if (res.status !== 200) throw new Error(`enrolment failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { key, answer: res.body };
}

export function redemptionSignature(stack: Stack, key: HDNodeWallet | Wallet, rewardId: number, nonce: number) {
  const domain = ballotDomain(stack.deployment.chainId, stack.deployment.ballotBox);
  return key.signTypedData(domain, REDEMPTION_TYPES, { rewardId, nonce });
}

/**
 * The API's rewards wallet and the harness's staff signer share one key; after the API sends, the
 * harness's cached nonce is stale and must be read again from the node.
 */
export function resyncStaffNonce(stack: Stack): void {
  (stack.staff.runner as NonceManager).reset();
}

export async function nonceOf(stack: Stack, address: string): Promise<number> {
  return stack.provider.getTransactionCount(address, "pending");
}
