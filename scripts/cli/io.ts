/**
 * What a command may touch of the outside world: its environment and output streams. `runCli` takes
 * them as arguments so tests run commands in-process and read what they printed.
 */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export type Env = Record<string, string | undefined>;

export interface CliIo {
  env: Env;
  stdout: Output;
  stderr: Output;
  /** Where interactive prompts read from; only used when it is a terminal. */
  stdin?: NodeJS.ReadStream;
  /** Relative file paths resolve against this; default process.cwd(). */
  cwd: string;
}

/** Prints a command's result: JSON for automation, or its human text. */
export function printResult(io: CliIo, json: boolean, value: unknown, text: () => string): void {
  if (json) io.stdout.write(`${JSON.stringify(value, bigintReplacer, 2)}\n`);
  else {
    const body = text();
    if (body !== "") io.stdout.write(body.endsWith("\n") ? body : `${body}\n`);
  }
}

export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** A note for people (progress, warnings): stderr, never in the way of --json output on stdout. */
export function note(io: CliIo, message: string): void {
  io.stderr.write(`${message}\n`);
}

/** "1 ballot", "3 ballots". */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "2030-05-01 09:00 UTC": a time people read, with its zone named. */
export function utcTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
