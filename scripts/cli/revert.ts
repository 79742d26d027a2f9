/** The contract's custom errors, decoded by name, as sentences a member of staff can act on. */
import { decodeRevert, POLL_STATES, ROLES } from "../../contracts/protocol";
import { CliError } from "./errors";

export interface RevertContext {
  /** The poll state(s) the action needs, e.g. "Active"; completes PollUnexpectedState's message. */
  expectedState?: string;
}

const ROLE_NAMES = new Map<string, string>(Object.entries(ROLES).map(([name, hash]) => [hash, name]));

function time(seconds: unknown): string {
  const n = Number(seconds);
  return Number.isFinite(n) ? new Date(n * 1000).toISOString() : String(seconds);
}

export function describeRevert(error: unknown, context: RevertContext = {}): CliError | null {
  const decoded = decodeRevert(error);
  if (!decoded) return null;
  const a = decoded.args.map((v) => (typeof v === "bigint" ? v.toString() : String(v)));
  const describe: Record<string, () => string> = {
    PollUnknown: () => `poll ${a[0]} does not exist`,
    PollUnexpectedState: () => {
      const current = POLL_STATES[Number(a[1])] ?? `state ${a[1]}`;
      const expected = context.expectedState ? `; it must be ${context.expectedState}` : "";
      return `poll ${a[0]} is ${current}${expected}`;
    },
    PollInvalidSchedule: () =>
      `invalid schedule: start ${time(a[0])} must be before end ${time(a[1])}, and the end must be in the future`,
    PollInvalidQuestions: () => `question ${Number(a[0]) + 1} has an impossible shape`,
    PollTooManyOptions: () => `${a[0]} options in all is too many (256 at most, 240 with re-voting)`,
    PollOutcomeAlreadyPublished: () => `poll ${a[0]} already has a published outcome; an outcome is published once`,
    PollOutcomeEmpty: () => `the outcome of poll ${a[0]} has no text`,
    RewardUnavailable: () => `reward ${a[0]} does not exist, is withdrawn or is out of stock`,
    RewardZeroCost: () => "a reward must cost at least 1 point",
    AccessControlUnauthorizedAccount: () =>
      `account ${a[0]} lacks the ${ROLE_NAMES.get(a[1] ?? "") ?? a[1]} role on the ballot box`,
  };
  const message = describe[decoded.name]?.() ?? `the contract refused: ${decoded.name}(${a.join(", ")})`;
  return new CliError(decoded.name, message, 1, { revert: decoded.name, args: a });
}
