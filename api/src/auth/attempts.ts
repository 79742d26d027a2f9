/** What sign-in attempts are counted under: a hash of the id as typed, whether or not a resident has it. */
import crypto from "node:crypto";

export function attemptSubject(residentId: string): string {
  return crypto.createHash("sha256").update(`sign-in:${residentId}`).digest("hex");
}
