/**
 * `veche audit` and `veche verify-receipt`: the observer tools of scripts/audit, which parse their own
 * arguments (see scripts/audit/cli.ts). Their exit codes: 0 verified, 1 a mismatch, 2 could not run.
 */
import type { Command } from "commander";
import { runAuditCommand, runVerifyReceiptCommand } from "../../audit/cli";
import type { CliIo } from "../io";

export const PASS_THROUGH_COMMANDS = {
  audit: {
    run: runAuditCommand,
    description: "recount polls from the chain alone and check tallies and roots (veche audit --help)",
  },
  "verify-receipt": {
    run: runVerifyReceiptCommand,
    description: "check a ballot receipt against the chain (veche verify-receipt --help)",
  },
} as const;

export type PassThroughName = keyof typeof PASS_THROUGH_COMMANDS;

export function isPassThrough(name: string): name is PassThroughName {
  return Object.hasOwn(PASS_THROUGH_COMMANDS, name);
}

export function runPassThrough(name: PassThroughName, argv: string[], io: CliIo): Promise<number> {
  return PASS_THROUGH_COMMANDS[name].run(argv, { stdout: io.stdout, stderr: io.stderr, env: io.env });
}

/** Listed in `veche --help`; runCli hands their arguments over before commander parses them. */
export function registerPassThroughCommands(program: Command): void {
  for (const [name, { description }] of Object.entries(PASS_THROUGH_COMMANDS)) {
    program.command(name).description(description).allowUnknownOption().allowExcessArguments();
  }
}
