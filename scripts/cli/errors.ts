/**
 * Failures the CLI reports: a stable code, a message for people, and the exit code (2 for a wrong
 * command line, 1 for everything that failed while running).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** `audit` and `verify-receipt` keep an observer's exit codes: 0 verified, 1 a mismatch, 2 could not check. */
export const EXIT_MISMATCH = 1;
export const EXIT_CANNOT_CHECK = 2;

export const cannotCheck = (code: string, message: string): CliError => new CliError(code, message, EXIT_CANNOT_CHECK);

export const usageError = (message: string): CliError => new CliError("USAGE", message, EXIT_USAGE);
