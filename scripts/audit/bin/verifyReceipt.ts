/** `npm run verify-receipt -- …`: the receipt check on its own. */
import { runVerifyReceiptCommand } from "../cli";

void runVerifyReceiptCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
