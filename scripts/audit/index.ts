/** The independent audit: reads only the chain, imports nothing from api/. Its commands: scripts/cli/audit. */
export {
  auditPoll,
  auditAllPolls,
  auditPollAt,
  auditSecretPollAt,
  fetchPollHistory,
  fetchSecretPoll,
  openSnapshot,
  pollLifecycle,
  readOnChain,
} from "./audit";
export { checkSecretPoll } from "./secretChecker";
export type { SecretOnChain, SecretPollInput } from "./secretChecker";
export { localCheck, verifierCheck } from "./secretHistory";
export type { ProofCheck, SecretBallotRecord, SecretHistory } from "./secretHistory";
export type { AuditOptions, AuditProgress, ChainSnapshot } from "./audit";
export { checkPoll, PollChecker } from "./checker";
export type { AuditReport, CheckOptions, Finding, FindingCode, SecretSection } from "./checker";
export { verifyReceipt, parseReceipt } from "./receipt";
export type { ReceiptReport } from "./receipt";
export type { BallotRecord, OnChainPoll, PollHistory, RegistryEvent } from "./history";
