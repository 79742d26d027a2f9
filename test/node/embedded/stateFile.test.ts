import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { isCompleteJsonFile, JsonCompletenessCheck } from "../../../node/embedded/stateFile";
import { replaceAtomically } from "../../../node/embedded/stateDumps";
import { tempDataDir } from "./voting";

/** Feeds `text` in chunks cut at `cuts`, as a file stream would. */
function complete(text: string, cuts: number[] = []): boolean {
  const bytes = Buffer.from(text);
  const check = new JsonCompletenessCheck();
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    check.push(bytes.subarray(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  check.push(bytes.subarray(from));
  return check.complete();
}

describe("embedded chain: state file completeness", () => {
  const dataDirs: string[] = [];
  after(() => {
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("accepts a whole JSON object and rejects every cut-off prefix of it", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 4 }),
        (value, cut, chunkCuts) => {
          const text = JSON.stringify(value, null, cut % 2 === 0 ? undefined : 2);
          expect(complete(text, chunkCuts)).to.equal(true);
          expect(complete(`${text}\n`, chunkCuts)).to.equal(true);
          expect(complete(text.slice(0, cut % text.length), chunkCuts)).to.equal(false);
        },
      ),
    );
  });

  it("rejects a tail after the object, an array at the top and mismatched brackets", () => {
    expect(complete('{"a":1}{"b":2}')).to.equal(false);
    expect(complete('{"a":1} x')).to.equal(false);
    expect(complete("[1,2]")).to.equal(false);
    expect(complete('{"a":[1}]')).to.equal(false);
    expect(complete('{"a":"}\\"}"}')).to.equal(true);
    expect(complete('{"a":"\\\\"}', [6, 7, 8])).to.equal(true);
    expect(complete('{"a":"\\"}', [6, 7])).to.equal(false);
  });

  it("replaces the state file atomically, keeping the previous one as the last good copy", async () => {
    const dir = tempDataDir();
    dataDirs.push(dir);
    const state = path.join(dir, "state.json");
    const lastGood = path.join(dir, "state.last-good.json");
    await replaceAtomically(state, Buffer.from('{"blocks":[1]}'), lastGood);
    expect(fs.existsSync(lastGood)).to.equal(false);
    await replaceAtomically(state, Buffer.from('{"blocks":[1,2]}'), lastGood);
    expect(fs.readFileSync(state, "utf8")).to.equal('{"blocks":[1,2]}');
    expect(fs.readFileSync(lastGood, "utf8")).to.equal('{"blocks":[1]}');
    expect(await isCompleteJsonFile(state)).to.equal(true);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(["state.json", "state.last-good.json"]);
  });
});
