/**
 * The ballot protocol, written once for the API, the client, the CLI and the tests: choice encoding,
 * EIP-712 ballots, leaves, the ballot tree, the recount and the contract's ABI. It imports none of them.
 */
export * from "./choices";
export * from "./ballotGas";
export * from "./ballot";
export * from "./tree";
export * from "./tally";
export * from "./contract";
export * from "./deployment";
export * from "./pollContent";
export * from "./enrolment";
export * from "./pollOutcome";
export * from "./rewardContent";
export * from "./census";
export * from "./secretBallot";
