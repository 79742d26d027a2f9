/** The independent audit: reads only the chain, imports nothing from api/. */
export { auditPoll, auditAllPolls, auditPollAt, fetchPollHistory, openSnapshot, readOnChain } from "./audit";
export type { AuditOptions, AuditProgress, ChainSnapshot } from "./audit";
export { checkPoll, PollChecker } from "./checker";
export type { AuditReport, CheckOptions, Finding, FindingCode } from "./checker";
export { verifyReceipt, parseReceipt } from "./receipt";
export type { Receipt, ReceiptReport } from "./receipt";
export { auditExitCode, runAuditCommand, runVerifyReceiptCommand, AUDIT_HELP, VERIFY_RECEIPT_HELP } from "./cli";
export type { CommandIo } from "./cli";
export type { BallotRecord, OnChainPoll, PollHistory, RegistryEvent } from "./history";
