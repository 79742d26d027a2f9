/** `veche residents …`: the resident register in the API. */
import type { Command } from "commander";
import { ApiClient } from "../api";
import { contextOf, examples, integer } from "../command";
import type { CliContext } from "../context";
import { resolvePath, staffToken } from "../context";
import type { CliIo } from "../io";
import { printResult, utcTime } from "../io";
import { importResidents, MAX_CHUNK } from "./importResidents";
import type { ImportResult } from "./importResidents";

export function staffApi(ctx: CliContext): ApiClient {
  return new ApiClient({ baseUrl: ctx.apiUrl, token: staffToken(ctx) });
}

export interface ResidentsImportArgs {
  file: string;
  out?: string;
  skipInvalid?: boolean;
  chunkSize?: number;
}

/** The command itself, callable in-process (the demo seeding uses it). */
export function residentsImport(ctx: CliContext, args: ResidentsImportArgs): Promise<ImportResult> {
  return importResidents({
    file: resolvePath(ctx, args.file),
    out: args.out === undefined ? undefined : resolvePath(ctx, args.out),
    skipInvalid: args.skipInvalid,
    chunkSize: args.chunkSize,
    api: staffApi(ctx),
    progress: ctx.io.stderr,
  });
}

export function registerResidentsCommands(program: Command, io: CliIo): void {
  const residents = program.command("residents").description("the resident register (through the API)");

  residents
    .command("import")
    .description("import residents from a CSV file (residentId,district,building) and write their activation codes")
    .argument("<file.csv>", "the register: a header line, then one resident per line")
    .option("--out <file>", "where to append new residents' activation codes (default <file>.codes.csv)")
    .option("--skip-invalid", "import the valid rows even if some rows are invalid")
    .option("--chunk-size <n>", `residents per API request (at most ${MAX_CHUNK})`, integer(1, MAX_CHUNK))
    .addHelpText(
      "after",
      examples([
        "veche residents import register.csv",
        "veche residents import register.csv --out letters/codes.csv --skip-invalid",
        "VECHE_STAFF_TOKEN=… veche residents import register.csv --api https://veche.example --json",
      ]) +
        "\nThe file is checked in full first: with any invalid row nothing is imported (each is reported by line).\n" +
        "Importing the same file again creates nothing new and issues no new codes.\n",
    )
    .action(async (file: string, options: Omit<ResidentsImportArgs, "file">, command: Command) => {
      const ctx = contextOf(io, command);
      const result = await residentsImport(ctx, { file, ...options });
      printResult(io, ctx.json, result, () => {
        const skipped = result.invalid > 0 ? `, ${result.invalid} invalid rows skipped` : "";
        const lines = [
          `${result.valid} residents sent: ${result.created} new, ${result.existing} already registered${skipped}`,
          result.created > 0 ? `activation codes of the new residents appended to ${result.codesFile}` : "",
          ...result.errors.map((e) => `  skipped line ${e.line}: ${e.message}`),
        ];
        return lines.filter(Boolean).join("\n");
      });
    });

  residents
    .command("stats")
    .description("how many residents are registered, activated and hold a voter key")
    .addHelpText("after", examples(["veche residents stats", "veche residents stats --json"]))
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const stats = await staffApi(ctx).get<{ total: number; activated: number; withKey: number }>(
        "/api/admin/residents/stats",
      );
      printResult(
        io,
        ctx.json,
        stats,
        () => `${stats.total} residents, ${stats.activated} activated, ${stats.withKey} with a voter key`,
      );
    });

  residents
    .command("new-code")
    .description("issue a new activation code for a resident who has not activated yet (a lost letter)")
    .argument("<residentId>")
    .addHelpText("after", examples(["veche residents new-code R-000123"]))
    .action(async (residentId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const answer = await staffApi(ctx).post<{ residentId: string; activationCode: string }>(
        `/api/admin/residents/${encodeURIComponent(residentId)}/activation-code`,
        {},
      );
      printResult(io, ctx.json, answer, () => `${answer.residentId}: ${answer.activationCode}`);
    });

  residents
    .command("reset")
    .description("issue a password-reset code for a resident who forgot their password (valid 3 days)")
    .argument("<residentId>")
    .addHelpText(
      "after",
      examples(["veche residents reset R-000123", "veche residents reset R-000123 --json"]) +
        '\nGive the code to the resident in person or by letter. On the site they choose "Forgot your password?",\n' +
        "enter it with a new password, and sign in. An earlier reset code stops working.\n",
    )
    .action(async (residentId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const answer = await staffApi(ctx).post<{ residentId: string; resetCode: string; expiresAt: string }>(
        `/api/admin/residents/${encodeURIComponent(residentId)}/reset-code`,
        {},
      );
      printResult(
        io,
        ctx.json,
        answer,
        () => `${answer.residentId}: reset code ${answer.resetCode} (valid until ${utcTime(answer.expiresAt)})`,
      );
    });
}
