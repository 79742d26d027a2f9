/**
 * Making a voter key in the browser and enrolling it: the new key signs the enrolment text, the API
 * has the registrar enrol it on-chain, and any earlier key of the resident is revoked.
 */
import { Wallet } from "ethers";
import { enrolmentMessage } from "../../../contracts/protocol/enrolment";
import { api, chainConfig } from "../api";
import type { Enrolment, Me } from "../types";
import { encryptKey, keepUnlocked, promotePending, savePendingKey } from "./vault";

export async function createAndEnrolKey(me: Me, password: string): Promise<Enrolment> {
  const config = await chainConfig();
  const random = Wallet.createRandom();
  const wallet = new Wallet(random.privateKey);
  // Kept aside before the request, so a key the chain enrols is never lost to a closed tab, and a
  // failed enrolment leaves the current key in place.
  savePendingKey(me.residentId, await encryptKey(me.residentId, wallet, password));
  const issuedAt = new Date().toISOString();
  const message = enrolmentMessage({
    residentHash: me.residentHash,
    address: wallet.address,
    chainId: config.chainId,
    ballotBox: config.ballotBox,
    issuedAt,
  });
  const signature = await wallet.signMessage(message);
  const answer = await api<Enrolment>("POST", "/api/me/voter-key", { address: wallet.address, issuedAt, signature });
  promotePending(me.residentId);
  keepUnlocked(me.residentId, wallet);
  return answer;
}
