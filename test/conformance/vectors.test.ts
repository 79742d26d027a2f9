/** PROTOCOL.md's test vectors, recomputed with viem and the rules as PROTOCOL.md writes them. */
import { expect } from "chai";
import { hashDomain, hashMessage, hashStruct, hashTypedData } from "viem";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  BALLOT_TYPES,
  choiceBitmap,
  DOMAIN_TYPES,
  domainOf,
  enrolmentText,
  leafOf,
  pollState,
  pollTextUri,
  proofOf,
  readVectors,
  recount,
  REDEMPTION_TYPES,
  rootFromProof,
  treeRoot,
} from "./stranger";
import type { Question } from "./stranger";

interface Vectors {
  domain: { name: string; version: string; chainId: number; verifyingContract: Hex; separator: Hex };
  keys: { privateKey: Hex; address: Hex }[];
  choices: { questions: Question[]; selected: number[][]; choices: string; bits: number[] }[];
  ballots: {
    key: number;
    voter: Hex;
    pollId: string;
    choices: string;
    revision: string;
    structHash: Hex;
    digest: Hex;
    signature: Hex;
    leaf: Hex;
  }[];
  enrolments: {
    key: number;
    residentHash: Hex;
    address: Hex;
    chainId: number;
    ballotBox: Hex;
    issuedAt: string;
    message: string;
    digest: Hex;
    signature: Hex;
  }[];
  redemptions: { key: number; rewardId: string; nonce: string; digest: Hex; signature: Hex }[];
  trees: {
    leaves: Hex[];
    root: Hex;
    proofs: { leafIndex: number; ballots: number; siblings: Hex[]; positions: string[] }[];
  }[];
  recount: {
    questions: Question[];
    events: { resident: number; choices: string }[];
    tallies: string[];
    ballots: number;
    voters: number;
  };
  pollStates: { start: number; end: number; cancelled: boolean; finalized: boolean; now: number; state: string }[];
  pollText: { json: string; uri: string; contentHash: Hex };
  receipt: { pollId: number; voter: Hex; choices: string; revision: number; leaf: Hex };
}

describe("conformance: PROTOCOL.md's test vectors with viem", () => {
  const v = readVectors<Vectors>();
  const domain = domainOf(v.domain.chainId, v.domain.verifyingContract);
  const account = (key: number) => privateKeyToAccount(v.keys[key]!.privateKey);

  it("derives the keys' addresses and the EIP-712 domain separator", () => {
    v.keys.forEach((k, i) => expect(account(i).address).to.equal(k.address));
    expect({
      ...domain,
      separator: hashDomain({ domain: { ...domain, chainId: BigInt(domain.chainId) }, types: DOMAIN_TYPES }),
    }).to.deep.equal(v.domain);
  });

  it("packs choice bitmaps with each question owning the next bits", () => {
    for (const c of v.choices) {
      const bitmap = choiceBitmap(c.questions, c.selected);
      expect(bitmap.toString()).to.equal(c.choices);
      expect(c.bits.reduce((m, b) => m | (1n << BigInt(b)), 0n)).to.equal(bitmap);
    }
  });

  it("hashes and signs ballots, and builds their leaves", async () => {
    for (const b of v.ballots) {
      const message = { pollId: BigInt(b.pollId), choices: BigInt(b.choices), revision: BigInt(b.revision) };
      const typed = { domain, types: BALLOT_TYPES, primaryType: "Ballot", message } as const;
      expect(hashStruct({ data: message, types: BALLOT_TYPES, primaryType: "Ballot" })).to.equal(b.structHash);
      expect(hashTypedData(typed)).to.equal(b.digest);
      expect(await account(b.key).signTypedData(typed)).to.equal(b.signature);
      expect(leafOf({ ...message, voter: b.voter })).to.equal(b.leaf);
    }
  });

  it("writes the enrolment text exactly, and signs it as an EIP-191 message", async () => {
    for (const e of v.enrolments) {
      const text = enrolmentText({ ...e, key: e.address });
      expect(text).to.equal(e.message);
      expect(hashMessage(text)).to.equal(e.digest);
      expect(await account(e.key).signMessage({ message: text })).to.equal(e.signature);
    }
  });

  it("signs redemption consent in the same domain", async () => {
    for (const r of v.redemptions) {
      const typed = {
        domain,
        types: REDEMPTION_TYPES,
        primaryType: "Redemption",
        message: { rewardId: BigInt(r.rewardId), nonce: BigInt(r.nonce) },
      } as const;
      expect(hashTypedData(typed)).to.equal(r.digest);
      expect(await account(r.key).signTypedData(typed)).to.equal(r.signature);
    }
  });

  it("builds every tree's root and proofs, and verifies each proof", () => {
    for (const t of v.trees) {
      expect(treeRoot(t.leaves), `${t.leaves.length} leaves`).to.equal(t.root);
      for (const p of t.proofs) {
        const { siblings, positions } = proofOf(t.leaves, p.leafIndex);
        expect({ siblings, positions }).to.deep.equal({ siblings: p.siblings, positions: p.positions });
        expect(rootFromProof(t.leaves[p.leafIndex]!, p.leafIndex, p.ballots, p.siblings)).to.equal(t.root);
        expect(rootFromProof(t.leaves[p.leafIndex]!, p.leafIndex, p.ballots, [...p.siblings, t.root])).to.equal(null);
      }
    }
  });

  it("recounts with each resident's latest ballot", () => {
    const total = v.recount.questions.reduce((s, q) => s + q.options, 0);
    const events = v.recount.events.map((e) => ({ resident: e.resident, choices: BigInt(e.choices) }));
    const result = recount(events, total);
    expect(result.tallies.map(String)).to.deep.equal(v.recount.tallies);
    expect([result.ballots, result.voters]).to.deep.equal([v.recount.ballots, v.recount.voters]);
  });

  it("derives poll states with the end exclusive, and encodes a poll text", () => {
    for (const s of v.pollStates) expect(pollState(s, s.now), `at ${s.now}`).to.equal(s.state);
    expect(pollTextUri(v.pollText.json)).to.deep.equal({ uri: v.pollText.uri, contentHash: v.pollText.contentHash });
  });

  it("rebuilds a receipt's leaf from its fields", () => {
    const r = v.receipt;
    const leaf = leafOf({
      pollId: BigInt(r.pollId),
      voter: r.voter,
      choices: BigInt(r.choices),
      revision: BigInt(r.revision),
    });
    expect(leaf).to.equal(r.leaf);
  });
});
