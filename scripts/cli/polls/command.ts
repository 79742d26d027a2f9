/** `veche poll …`: create polls from files, read them with live tallies, and run their lifecycle. */
import type { Command } from "commander";
import { Option } from "commander";
import { POLL_STATES } from "../../../contracts/protocol";
import type { PollStateName } from "../../../contracts/protocol";
import { contextOf, examples, integer } from "../command";
import type { CliContext } from "../context";
import { resolvePath } from "../context";
import type { CliIo } from "../io";
import { plural, printResult, utcTime } from "../io";
import { renderDryRun, renderList, renderPoll } from "./render";
import { createPoll, pollParams } from "./createPoll";
import type { CreatedPoll } from "./createPoll";
import { cancelPoll, closePoll, finalizePoll, publishOutcome } from "./pollActions";
import { loadPollFile } from "./pollFile";
import { listPolls, showPoll } from "./readPolls";

const pollId = integer(1, 2 ** 53 - 1);

/** `poll create` callable in-process: the demo seeding creates its polls through it. */
export function pollCreateFromFile(ctx: CliContext, file: string): Promise<CreatedPoll> {
  return createPoll(ctx, loadPollFile(resolvePath(ctx, file)));
}

export function registerPollCommands(program: Command, io: CliIo): void {
  const poll = program.command("poll").description("create, read, close and finalize polls (on the chain)");

  poll
    .command("create")
    .description("create a poll from a poll file (.json, .yaml or .yml; see scripts/cli/README.md)")
    .argument("<poll-file>")
    .option("--dry-run", "validate the file and show what would be sent, without sending it")
    .addHelpText(
      "after",
      examples([
        "veche poll create scripts/cli/examples/metro-line.yaml",
        "veche poll create poll.json --dry-run --json",
        "VECHE_STAFF_KEY=0x… veche poll create poll.yaml --network city --rpc https://rpc.city.example",
      ]),
    )
    .action(async (file: string, options: { dryRun?: boolean }, command: Command) => {
      const ctx = contextOf(io, command);
      if (options.dryRun) {
        const spec = loadPollFile(resolvePath(ctx, file));
        const params = pollParams(spec, Math.floor(Date.now() / 1000));
        const preview = { valid: true, ...params, results: spec.results, uriBytes: Buffer.byteLength(params.uri) };
        printResult(io, ctx.json, preview, () => renderDryRun(file, spec, params));
        return;
      }
      const created = await pollCreateFromFile(ctx, file);
      printResult(
        io,
        ctx.json,
        created,
        () =>
          `created poll ${created.pollId}: "${created.title}"\n` +
          `  ${utcTime(created.start)} → ${utcTime(created.end)}\n  transaction ${created.txHash} (block ${created.block})` +
          (created.census
            ? `\n  secret: census of ${created.census.eligible} residents in ${created.census.areas} ${created.census.areaKind} areas ` +
              `at block ${created.census.snapshotBlock}, root ${created.census.root}`
            : ""),
      );
    });

  poll
    .command("list")
    .description("list polls, newest first")
    .addOption(new Option("--state <state>", "only polls in this state").choices([...POLL_STATES]))
    .addHelpText("after", examples(["veche poll list", "veche poll list --state Active --json"]))
    .action(async (options: { state?: PollStateName }, command: Command) => {
      const ctx = contextOf(io, command);
      const polls = await listPolls(ctx, options);
      printResult(io, ctx.json, { polls }, () => renderList(polls));
    });

  poll
    .command("show")
    .description("show a poll with its live tallies per question and option, read from the chain")
    .argument("<pollId>", "the poll's number", pollId)
    .addHelpText("after", examples(["veche poll show 3", "veche poll show 3 --json"]))
    .action(async (id: number, _options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const detail = await showPoll(ctx, id);
      printResult(io, ctx.json, detail, () => renderPoll(detail));
    });

  poll
    .command("close")
    .description("end an active poll now")
    .argument("<pollId>", "the poll's number", pollId)
    .addHelpText("after", examples(["veche poll close 3"]))
    .action(async (id: number, _options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const done = await closePoll(ctx, id);
      printResult(io, ctx.json, done, () => `closed poll ${id} (transaction ${done.txHash})`);
    });

  poll
    .command("cancel")
    .description("cancel a poll that is not finalized; its ballots then count for nothing")
    .argument("<pollId>", "the poll's number", pollId)
    .addHelpText("after", examples(["veche poll cancel 3"]))
    .action(async (id: number, _options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const done = await cancelPoll(ctx, id);
      printResult(io, ctx.json, done, () => `cancelled poll ${id} (transaction ${done.txHash})`);
    });

  poll
    .command("finalize")
    .description("recount a closed poll from the chain's ballot events and, if it matches, publish the result")
    .argument("<pollId>", "the poll's number", pollId)
    .addHelpText(
      "after",
      examples(["veche poll close 3 && veche poll finalize 3", "veche poll finalize 3 --json"]) +
        "\nRefuses (exit 1, RECOUNT_MISMATCH) if the recount differs from the contract's tallies or ballot root.\n",
    )
    .action(async (id: number, _options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const done = await finalizePoll(ctx, id);
      printResult(
        io,
        ctx.json,
        done,
        () =>
          `finalized poll ${id}: ${plural(done.ballots, "ballot", "ballots")} from ` +
          `${plural(done.voters, "resident", "residents")}, recount matches\n` +
          `  root ${done.root}\n  transaction ${done.txHash}`,
      );
    });

  poll
    .command("outcome")
    .description("publish what the city decided after a closed or finalized poll (on the chain, once)")
    .argument("<pollId>", "the poll's number", pollId)
    .requiredOption("--text <text>", "the decision, in English")
    .requiredOption("--text-ru <text>", "the decision, in Russian")
    .addHelpText(
      "after",
      examples([
        'veche poll outcome 4 --text "Pyatnitskaya is pedestrian on summer weekends from June." --text-ru "Пятницкая станет пешеходной по выходным летом с июня."',
      ]) +
        "\nAn outcome is published once and cannot be changed: check the text first. The site shows it on the poll.\n",
    )
    .action(async (id: number, options: { text: string; textRu: string }, command: Command) => {
      const ctx = contextOf(io, command);
      const done = await publishOutcome(ctx, id, { en: options.text, ru: options.textRu });
      printResult(io, ctx.json, done, () => `published the outcome of poll ${id} (transaction ${done.txHash})`);
    });
}
