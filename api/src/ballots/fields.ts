import { MAX_REVISION } from "../../../contracts/protocol";
import { badRequest } from "../errors";

/** The ranges the contract takes for any ballot, open or secret; refused here before anything else. */
export function assertBallotFields(ballot: { pollId: bigint; revision: bigint; choices: bigint }): void {
  if (ballot.pollId < 1n || ballot.pollId > 0xffffffffn)
    throw badRequest("BALLOT_INVALID_POLL", "pollId is out of range");
  if (ballot.revision < 1n || ballot.revision > BigInt(MAX_REVISION)) {
    throw badRequest("BALLOT_INVALID_REVISION", `revision must be between 1 and ${MAX_REVISION}`);
  }
  if (ballot.choices < 1n || ballot.choices >= 1n << 256n) {
    throw badRequest("BALLOT_INVALID_CHOICES", "choices must be a 256-bit bitmap");
  }
}
