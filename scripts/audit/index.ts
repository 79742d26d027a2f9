/** The independent audit: reads only the chain, imports nothing from api/. Its commands: scripts/cli/audit. */
export { auditPoll, auditAllPolls, auditPollAt, fetchPollHistory, openSnapshot, readOnChain } from "./audit";
export type { AuditOptions, AuditProgress, ChainSnapshot } from "./audit";
export { checkPoll, PollChecker } from "./checker";
export type { AuditReport, CheckOptions, Finding, FindingCode } from "./checker";
export { verifyReceipt, parseReceipt } from "./receipt";
export type { ReceiptReport } from "./receipt";
export type { BallotRecord, OnChainPoll, PollHistory, RegistryEvent } from "./history";
