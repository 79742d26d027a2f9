/**
 * `npm run audit -- …`: `veche audit` from a checkout.
 * The npm script starts node with --max-semi-space-size=64: a page of 20,000 logs outgrows the default
 * young generation, and the larger one cuts the audit's GC time by about a third on large polls.
 */
import { runCli } from "../../cli/main";

void runCli(["audit", ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
