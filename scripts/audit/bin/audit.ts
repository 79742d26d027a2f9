/** `npm run audit -- …`: the audit CLI on its own. */
import { runAuditCommand } from "../cli";

void runAuditCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
