/** `veche rewards …`: rewards residents can spend participation points on. */
import type { Command } from "commander";
import { contextOf, examples, integer } from "../command";
import type { CliIo } from "../io";
import { plural, printResult, utcTime } from "../io";
import { staffApi } from "../residents/command";
import { addReward, listRewards, updateReward } from "./rewards";
import type { RewardInput } from "./rewards";

const UINT32 = 4_294_967_295;

export function registerRewardCommands(program: Command, io: CliIo): void {
  const rewards = program.command("rewards").description("rewards residents redeem points for (on the chain)");

  rewards
    .command("add")
    .description("list a new reward")
    .requiredOption("--cost <points>", "points it costs (at least 1)", integer(1, Number.MAX_SAFE_INTEGER))
    .requiredOption("--stock <n>", "how many can be redeemed", integer(0, UINT32))
    .requiredOption("--title <text>", "its name (English)")
    .option("--title-ru <text>", "its name in Russian (default: the English title)")
    .option("--description <text>", "a line about it (English)")
    .option("--description-ru <text>", "the line in Russian")
    .option("--image <url>", "a picture of it: an https:// URL (shown beside the reward on the site)")
    .addHelpText(
      "after",
      examples([
        'veche rewards add --cost 30 --stock 50 --title "Bolshoi Theatre ticket" --title-ru "Билет в Большой театр"',
        'veche rewards add --cost 10 --stock 500 --title "Veche mug" --json',
      ]),
    )
    .action(async (options: RewardInput, command: Command) => {
      const ctx = contextOf(io, command);
      const listed = await addReward(ctx, options);
      printResult(
        io,
        ctx.json,
        listed,
        () => `listed reward ${listed.rewardId}: "${options.title}" (transaction ${listed.txHash})`,
      );
    });

  rewards
    .command("update")
    .description("change a reward's stock, or withdraw it")
    .argument("<rewardId>", "the reward's number", integer(0))
    .requiredOption("--stock <n>", "how many are left", integer(0, UINT32))
    .option("--withdraw", "stop residents from redeeming it")
    .addHelpText(
      "after",
      examples(["veche rewards update 0 --stock 100", "veche rewards update 2 --stock 0 --withdraw"]),
    )
    .action(async (rewardId: number, options: { stock: number; withdraw?: boolean }, command: Command) => {
      const ctx = contextOf(io, command);
      const done = await updateReward(ctx, rewardId, { stock: options.stock, active: !options.withdraw });
      printResult(io, ctx.json, done, () => `updated reward ${rewardId} (transaction ${done.txHash})`);
    });

  rewards
    .command("list")
    .description("list the rewards")
    .addHelpText("after", examples(["veche rewards list", "veche rewards list --json"]))
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const list = await listRewards(ctx);
      printResult(io, ctx.json, { rewards: list }, () =>
        list.length === 0
          ? "no rewards"
          : list
              .map(
                (r) =>
                  `${String(r.rewardId).padStart(4)}  ${String(r.cost).padStart(6)} points  ` +
                  `${String(r.stock).padStart(6)} left  ${r.active ? "active   " : "withdrawn"}  ${r.title ?? r.uri}`,
              )
              .join("\n"),
      );
    });

  rewards
    .command("voucher")
    .description("look up the redemption a resident's voucher code belongs to (through the API)")
    .argument("<code>", "the voucher code, e.g. ABCD-EFGH-JKMN")
    .addHelpText(
      "after",
      examples(["veche rewards voucher ABCD-EFGH-JKMN", "veche rewards voucher abcdefghjkmn --json"]),
    )
    .action(async (code: string, _options: unknown, command: Command) => {
      const ctx = contextOf(io, command);
      const found = await staffApi(ctx).get<VoucherAnswer>(`/api/admin/vouchers/${encodeURIComponent(code)}`);
      printResult(
        io,
        ctx.json,
        found,
        () =>
          `${found.voucher}: reward ${found.rewardId} for resident no. ${found.resident}, ${plural(found.cost, "point", "points")}` +
          `${found.time ? `, redeemed ${utcTime(found.time)}` : ""}\n  transaction ${found.txHash} (block ${found.block})`,
      );
    });
}

interface VoucherAnswer {
  voucher: string;
  rewardId: number;
  resident: number;
  cost: number;
  txHash: string;
  block: number;
  time: string | null;
}
