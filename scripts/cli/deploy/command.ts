/** `veche deploy`: deploy the ballot box to a network and record it in deployments/<network>.json. */
import type { Command } from "commander";
import { address, contextOf, examples } from "../command";
import type { CliIo } from "../io";
import { printResult } from "../io";
import { deploy } from "./deploy";
import type { DeployOptions } from "./deploy";

function addresses(value: string, previous: string[] = []): string[] {
  return [...previous, address(value)];
}

export function registerDeployCommand(program: Command, io: CliIo): void {
  program
    .command("deploy")
    .description("deploy the ballot box with the deployer key and write deployments/<network>.json")
    .option("--admin <address>", "who may grant roles later (default: the deploying key)", address)
    .option("--poll-admin <address>", "may create and run polls; repeatable (default: the deploying key)", addresses)
    .option(
      "--rewards <address>",
      "may list rewards and redeem points; repeatable (default: the deploying key)",
      addresses,
    )
    .option("--registrar <address>", "enrols voter keys (the API's REGISTRAR_KEY); repeatable", addresses)
    .option("--relayer <address>", "relays ballots (the API's RELAYER_KEYS); repeatable", addresses)
    .option("--force", "deploy even if the deployment file names a live ballot box")
    .addHelpText(
      "after",
      examples([
        "veche deploy --network city --rpc https://rpc.city.example --keystore deployer.keystore.json \\\n" +
          "      --registrar 0xReg… --relayer 0xRel1… --relayer 0xRel2…",
        "veche deploy --force   # a fresh ballot box on the embedded chain, dev keys holding the roles",
      ]),
    )
    .action(async (options: DeployOptions, command: Command) => {
      const ctx = contextOf(io, command);
      const result = await deploy(ctx, options);
      printResult(
        io,
        ctx.json,
        result,
        () =>
          `deployed the ballot box at ${result.ballotBox} on chain ${result.chainId} (block ${result.deployedBlock})\n` +
          `  recorded in ${result.file}`,
      );
    });
}
