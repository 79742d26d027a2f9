/** The built web client: the contract's ABI only, never its bytecode (or Node's native code). */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { artifacts } from "hardhat";
import { CLIENT_DIST, ensureClientBuilt } from "./browser";

function bundleText(): string {
  const assets = path.join(CLIENT_DIST, "assets");
  return fs
    .readdirSync(assets)
    .filter((f) => f.endsWith(".js"))
    .map((f) => fs.readFileSync(path.join(assets, f), "utf8"))
    .join("\n");
}

describe("web client bundle", function () {
  this.timeout(300_000);

  it("carries the ballot box's ABI but none of its bytecode", async () => {
    ensureClientBuilt();
    const text = bundleText();
    const { bytecode, deployedBytecode } = await artifacts.readArtifact("BallotBox");
    for (const code of [bytecode, deployedBytecode]) {
      // Any stretch of the code would do; one from the middle cannot be a common prefix.
      const middle = code.slice(Math.floor(code.length / 2), Math.floor(code.length / 2) + 64);
      expect(text.includes(middle), "contract bytecode in the bundle").to.equal(false);
    }
    expect(text).to.include("castBallot").and.include("BallotCast");
  });

  it("proves secret ballots in its own worker with the API's proving files, with no CDN to fetch them from", () => {
    ensureClientBuilt();
    const assets = fs.readdirSync(path.join(CLIENT_DIST, "assets"));
    const worker = assets.find((f) => /^proverWorker-.*\.js$/.test(f));
    expect(worker, "the prover's worker").to.be.a("string");
    const code = fs.readFileSync(path.join(CLIENT_DIST, "assets", worker!), "utf8");
    expect(code).to.include("fullProve").and.include("/artifacts/semaphore-");
    expect(bundleText()).to.not.match(/snark-artifacts\.pse\.dev|unpkg\.com|jsdelivr/);
  });

  it("loads no native module of the Node fast path", () => {
    ensureClientBuilt();
    expect(bundleText()).to.not.match(/secp256k1\/bindings|node-gyp-build|keccak\/bindings/);
  });
});
