/**
 * The ballot protocol, written once for the API, the client, the CLI and the tests, and specified for
 * everyone else in PROTOCOL.md: choice encoding, EIP-712 ballots, leaves, the ballot tree, the recount,
 * receipts, events, poll states, the contract's ABI and the JSON-RPC reads. It imports none of them.
 * Native fast paths for Node live in ./node and are not exported here: the browser never loads them.
 */
export * from "./choices";
export * from "./ballotGas";
export * from "./ballot";
export * from "./tree";
export * from "./tally";
export * from "./contract";
export * from "./pollState";
export * from "./events";
export * from "./rpc";
export * from "./logs";
export * from "./recount";
export * from "./receipt";
export * from "./deployment";
export * from "./pollContent";
export * from "./enrolment";
export * from "./pollOutcome";
export * from "./rewardContent";
export * from "./census";
export * from "./secretBallot";
export * from "./secretCount";
export * from "./secretCall";
export * from "./building";
export * from "./decisionRule";
export * from "./registryEvents";
