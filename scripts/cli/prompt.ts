/** Reading a password from the terminal without echoing it. */
import { CliError } from "./errors";
import type { CliIo } from "./io";

export async function promptHidden(io: CliIo, question: string): Promise<string> {
  const input = io.stdin;
  if (!input?.isTTY) {
    throw new CliError(
      "PASSWORD_MISSING",
      "no password: set VECHE_KEYSTORE_PASSWORD or run in a terminal to be asked for it",
    );
  }
  io.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = "";
      const onData = (chunk: string): void => {
        for (const char of chunk) {
          if (char === "\r" || char === "\n" || char === "\u0004") {
            input.off("data", onData);
            io.stderr.write("\n");
            resolve(typed);
            return;
          }
          if (char === "\u0003") {
            input.off("data", onData);
            io.stderr.write("\n");
            reject(new CliError("INTERRUPTED", "interrupted"));
            return;
          }
          if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
          else typed += char;
        }
      };
      input.on("data", onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
  }
}
