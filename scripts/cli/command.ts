/** Shared pieces of command definitions: context from the flags, number parsing, help examples. */
import { InvalidArgumentError } from "commander";
import { getAddress } from "ethers";
import type { Command } from "commander";
import { createContext } from "./context";
import type { CliContext, GlobalOptions } from "./context";
import type { CliIo } from "./io";

export function contextOf(io: CliIo, command: Command): CliContext {
  return createContext(io, command.optsWithGlobals<GlobalOptions>());
}

/** A commander argument parser for whole numbers in [min, max]. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
}

/** A commander argument parser for an address, answered checksummed. */
export function address(value: string): string {
  try {
    return getAddress(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not an address`);
  }
}

export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}
