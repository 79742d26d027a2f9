import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { runCli } from "../../scripts/cli/main";
import { tempDir } from "../node/besu/helpers";

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(["besu-network", ...argv], {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
  });
  return { code, out, err };
}

describe("veche besu-network", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  const base = () => ["--out", join(tmp.dir, "net"), "--chain-id", "1337"];

  it("prints only the paths it wrote", async () => {
    const r = await run([...base(), "--validators", "4", "--observers", "1"]);
    expect(r.code).to.equal(0);
    const lines = r.out.trim().split("\n");
    expect(lines).to.include(join(tmp.dir, "net", "genesis.json"));
    expect(lines).to.include(join(tmp.dir, "net", "observer-1", "key"));
    for (const line of lines) {
      expect(isAbsolute(line), line).to.equal(true);
      expect(existsSync(line), line).to.equal(true);
    }
    const key = readFileSync(join(tmp.dir, "net", "validator-1", "key"), "utf8");
    expect(r.out).to.not.contain(key.slice(2));
  });

  it("prints a JSON summary with --json", async () => {
    const r = await run([
      ...base(),
      "--validators",
      "4",
      "--observers",
      "1",
      "--json",
      "--accounts",
      "0x627306090abaB3A6e1400e9345bC60c78a8BEf57",
    ]);
    expect(r.code).to.equal(0);
    const s = JSON.parse(r.out) as {
      validators: { address: string; enode: string }[];
      observers: unknown[];
      files: string[];
    };
    expect(s.validators).to.have.length(4);
    expect(s.observers).to.have.length(1);
    expect(s.validators[0]?.enode).to.match(/^enode:\/\/[0-9a-f]{128}@127\.0\.0\.1:30303$/);
    expect(s.files).to.include(resolve(tmp.dir, "net", "static-nodes.json"));
    const key = readFileSync(join(tmp.dir, "net", "validator-2", "key"), "utf8");
    expect(r.out).to.not.contain(key.slice(2));
  });

  it("shows help with examples", async () => {
    const r = await run(["--help"]);
    expect(r.code).to.equal(0);
    expect(r.out).to.contain("Usage: veche besu-network");
    expect(r.out).to.contain("Examples:");
  });

  it("rejects bad arguments with exit code 2 and a clear message", async () => {
    const cases: [string[], RegExp][] = [
      [[...base(), "--validators", "0"], /--validators must be at least 1/],
      [[...base(), "--validators", "-1"], /validators/],
      [[...base(), "--validators", "four"], /--validators must be a whole number/],
      [[...base(), "--accounts", "0x1234"], /not a valid address: 0x1234/],
      [[...base(), "--accounts", "0x627306090ABAB3A6e1400e9345bC60c78a8BEf57"], /not a valid address/], // bad checksum
      [["--out", join(tmp.dir, "net")], /--chain-id is required/],
      [["--chain-id", "1"], /--out is required/],
      [[...base(), "--chain-id", "0"], /--chain-id must be at least 1/],
      [[...base(), "--frobnicate"], /frobnicate/],
      [[...base(), "--p2p-port", "70000x"], /--p2p-port/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).to.equal(2);
      expect(r.err, argv.join(" ")).to.match(message);
      expect(r.out).to.equal("");
    }
    expect(existsSync(join(tmp.dir, "net"))).to.equal(false);
  });

  it("fails with exit code 1 when the output folder already holds a network", async () => {
    expect((await run([...base(), "--validators", "1"])).code).to.equal(0);
    const r = await run([...base(), "--validators", "1"]);
    expect(r.code).to.equal(1);
    expect(r.err).to.contain("not empty");
  });

  it("exits non-zero as a process on bad input", function () {
    this.timeout(60_000);
    const cli = resolve(__dirname, "../../scripts/cli/bin.js");
    const p = spawnSync(process.execPath, [cli, "besu-network", ...base(), "--validators", "0"], { encoding: "utf8" });
    expect(p.status).to.equal(2);
    expect(p.stderr).to.contain("--validators must be at least 1");
    expect(p.stdout).to.equal("");
  });
});
