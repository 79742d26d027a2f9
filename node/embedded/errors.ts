/** Failures of the embedded chain, each with a stable code a caller (or a test) can branch on. */
export type ChainErrorCode =
  | "CHAIN_BINARY_MISSING"
  | "CHAIN_CONFIG_INVALID"
  | "CHAIN_DATA_DIR_IN_USE"
  | "CHAIN_PORT_IN_USE"
  | "CHAIN_START_FAILED"
  | "CHAIN_STATE_CORRUPT"
  | "CHAIN_STOP_TIMEOUT"
  | "DEV_KEYS_INVALID"
  | "DEPLOYMENT_FILE_INVALID";

export class ChainError extends Error {
  constructor(
    readonly code: ChainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ChainError";
  }
}
