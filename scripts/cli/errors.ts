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

export const usageError = (message: string): CliError => new CliError("USAGE", message, EXIT_USAGE);
