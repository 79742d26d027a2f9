/**
 * Where the anvil executable is. `@foundry-rs/anvil` ships it in an optional per-platform package
 * (`@foundry-rs/anvil-linux-amd64`, ...); when npm skipped that package, the wrapper's postinstall
 * downloads the same tarball from the npm registry into the wrapper's own folder. We run the binary
 * itself, not the npm `anvil` wrapper: the wrapper exits on SIGINT without waiting for anvil to dump
 * its state.
 */
import fs from "node:fs";
import path from "node:path";
import { ChainError } from "./errors";

const PLATFORM_PACKAGES: Partial<Record<string, Partial<Record<string, string>>>> = {
  linux: { x64: "@foundry-rs/anvil-linux-amd64", arm64: "@foundry-rs/anvil-linux-arm64" },
  darwin: { x64: "@foundry-rs/anvil-darwin-amd64", arm64: "@foundry-rs/anvil-darwin-arm64" },
  win32: { x64: "@foundry-rs/anvil-win32-amd64" },
};

export function anvilBinaryPath(): string {
  const binaryName = process.platform === "win32" ? "anvil.exe" : "anvil";
  const platformPackage = PLATFORM_PACKAGES[process.platform]?.[process.arch];
  if (!platformPackage) {
    throw new ChainError("CHAIN_BINARY_MISSING", `anvil has no build for ${process.platform}/${process.arch}`);
  }
  const candidates: string[] = [];
  try {
    candidates.push(path.join(path.dirname(require.resolve(`${platformPackage}/package.json`)), "bin", binaryName));
  } catch {
    // Optional dependency not installed: fall back to the postinstall download below.
  }
  try {
    const wrapperDir = path.dirname(require.resolve("@foundry-rs/anvil/package.json"));
    candidates.push(path.join(wrapperDir, binaryName), path.join(wrapperDir, "..", "dist", binaryName));
  } catch {
    // Wrapper not installed either; the error below names the package to install.
  }
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new ChainError(
      "CHAIN_BINARY_MISSING",
      `anvil executable not found (looked in ${candidates.join(", ") || platformPackage}); run npm install`,
    );
  }
  return found;
}
