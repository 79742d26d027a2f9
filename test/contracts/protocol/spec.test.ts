/**
 * PROTOCOL.md against the compiled contract: every function and event its ABI block names has the
 * contract's exact types, and every event the protocol reads is in it.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parseAbi } from "viem";
import { BALLOT_BOX_ABI, EVENT_TOPICS } from "../../../contracts/protocol";

interface Param {
  type: string;
  indexed?: boolean;
  components?: readonly Param[];
}
interface Item {
  type: string;
  name?: string;
  inputs?: readonly Param[];
  outputs?: readonly Param[];
  stateMutability?: string;
}

const SPEC = path.join(__dirname, "..", "..", "..", "contracts", "protocol", "PROTOCOL.md");

/** The lines of the first ```solidity block: the spec's ABI. */
function specAbiLines(markdown: string): string[] {
  const block = /```solidity\n([\s\S]*?)```/.exec(markdown);
  if (!block?.[1]) throw new Error("PROTOCOL.md has no solidity block");
  return block[1].split("\n").filter((line) => line.trim() !== "");
}

function typeOf(p: Param): string {
  if (!p.type.startsWith("tuple")) return p.type;
  return `(${(p.components ?? []).map(typeOf).join(",")})${p.type.slice("tuple".length)}`;
}

function canonical(item: Item): string {
  const params = (ps: readonly Param[] = []) => ps.map((p) => `${typeOf(p)}${p.indexed ? " indexed" : ""}`).join(",");
  const view = item.stateMutability === "view" || item.stateMutability === "pure" ? " view" : "";
  return `${item.type} ${item.name}(${params(item.inputs)})${view}${item.outputs ? ` -> (${params(item.outputs)})` : ""}`;
}

describe("PROTOCOL.md", () => {
  const spec = parseAbi(specAbiLines(fs.readFileSync(SPEC, "utf8"))) as readonly Item[];
  const compiled = BALLOT_BOX_ABI as readonly Item[];

  it("names every function and event with the compiled contract's types", () => {
    for (const item of spec) {
      const match = compiled.find((c) => c.type === item.type && c.name === item.name);
      expect(match, `${item.type} ${item.name} is not in the contract`).to.not.equal(undefined);
      expect(canonical(item)).to.equal(canonical(match!));
    }
  });

  it("lists every event the protocol reads", () => {
    const events = spec.filter((i) => i.type === "event").map((i) => i.name);
    expect(events).to.have.members(Object.keys(EVENT_TOPICS));
  });

  it("links its vectors and the ABI file, which exist beside it", () => {
    const text = fs.readFileSync(SPEC, "utf8");
    for (const file of ["vectors.json", "BallotBox.abi.json"]) {
      expect(text).to.include(`(${file})`);
      expect(fs.existsSync(path.join(path.dirname(SPEC), file)), file).to.equal(true);
    }
  });
});
