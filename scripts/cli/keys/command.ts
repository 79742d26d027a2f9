/** `veche keys …`: encrypted keystores for staff keys. */
import type { Command } from "commander";
import { contextOf, examples } from "../command";
import type { CliIo } from "../io";
import { printResult } from "../io";
import { createKeystore, MIN_PASSWORD_LENGTH, staffAddress } from "./keys";

export function registerKeyCommands(program: Command, io: CliIo): void {
  const keys = program.command("keys").description("staff keys in encrypted keystore files");

  keys
    .command("create")
    .description("create a new staff key in an encrypted JSON keystore (file mode 0600)")
    .requiredOption("--out <file>", "the keystore file to write")
    .option("--from-env", "encrypt the key in VECHE_STAFF_KEY instead of a new random one")
    .option("--force", "replace an existing file")
    .addHelpText(
      "after",
      examples([
        "veche keys create --out staff.keystore.json",
        "VECHE_KEYSTORE_PASSWORD=… veche keys create --out staff.keystore.json --json",
        "VECHE_STAFF_KEY=0x… veche keys create --out staff.keystore.json --from-env",
      ]) +
        `\nThe password comes from VECHE_KEYSTORE_PASSWORD or is asked for (twice, not echoed); ` +
        `at least ${MIN_PASSWORD_LENGTH} characters.\nUse the file with --keystore on any command.\n`,
    )
    .action(async (options: { out: string; fromEnv?: boolean; force?: boolean }, command: Command) => {
      const ctx = contextOf(io, command);
      const created = await createKeystore(ctx, options);
      printResult(io, ctx.json, created, () => `wrote key ${created.address} to ${created.file}`);
    });

  keys
    .command("address")
    .description("print the address of the staff key the commands use (--keystore, VECHE_STAFF_KEY or dev keys)")
    .addHelpText("after", examples(["veche keys address --keystore staff.keystore.json"]))
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const result = await staffAddress(ctx);
      printResult(io, ctx.json, result, () => result.address);
    });
}
