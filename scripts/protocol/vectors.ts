/**
 * The protocol's test vectors (contracts/protocol/vectors.json), computed from contracts/protocol:
 * keys, EIP-712 digests and signatures, enrolment texts, leaves, trees, proofs, a recount, poll states
 * and a poll text. `npm run protocol:vectors` rewrites the file; test/contracts/protocol/vectors.test.ts
 * fails when the code and the file disagree, and the conformance test recomputes them with viem.
 */
import fs from "node:fs";
import path from "node:path";
import { AbiCoder, TypedDataEncoder, Wallet, hashMessage, keccak256, toUtf8Bytes } from "ethers";
import { Identity } from "@semaphore-protocol/identity";
import {
  BALLOT_TYPES,
  REDEMPTION_TYPES,
  ballotDigest,
  ballotDomain,
  ballotLeaf,
  ballotMessage,
  buildBallotTree,
  buildCensus,
  buildingCode,
  censusAreaArgument,
  censusAreaLeaf,
  encodeChoices,
  encodePollContent,
  enrolmentMessage,
  PollCount,
  pollStateAt,
  normalizeBuilding,
  proofOf,
  secretBallotLeaf,
  secretMessage,
  secretScope,
  totalOptions,
  treeRoot,
} from "../../contracts/protocol";
import type { PollContent, Question } from "../../contracts/protocol";
import { residentHash } from "../../api/src/residents/secrets";

export const VECTORS_FILE = path.join(__dirname, "..", "..", "contracts", "protocol", "vectors.json");

const CHAIN_ID = 31337;
const BALLOT_BOX = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

const keys = [1, 2, 3].map((n) => new Wallet(keccak256(toUtf8Bytes(`veche protocol test key ${n}`))));

const QUESTIONS: Question[] = [
  { options: 3, maxChoices: 1 },
  { options: 4, maxChoices: 2 },
];

/** Where each sibling of a proof stands: the rule of PROTOCOL.md, written out for every step. */
function positions(leafIndex: number, ballots: number): ("left" | "right")[] {
  const out: ("left" | "right")[] = [];
  for (let index = leafIndex, size = ballots; size > 1; index >>= 1, size = Math.ceil(size / 2)) {
    if (index % 2 === 1) out.push("left");
    else if (index + 1 < size) out.push("right");
  }
  return out;
}

async function ballots() {
  const domain = ballotDomain(CHAIN_ID, BALLOT_BOX);
  const cases = [
    { key: 0, pollId: 7n, selected: [[0], [1]], revision: 1n },
    { key: 1, pollId: 7n, selected: [[2], [0, 3]], revision: 1n },
    { key: 0, pollId: 7n, selected: [[1], [2, 3]], revision: 2n },
    { key: 2, pollId: 4294967295n, selected: [[2], [3]], revision: 65535n },
  ];
  return Promise.all(
    cases.map(async (c) => {
      const ballot = { pollId: c.pollId, choices: encodeChoices(QUESTIONS, c.selected), revision: c.revision };
      const key = keys[c.key]!;
      return {
        key: c.key,
        voter: key.address,
        pollId: ballot.pollId.toString(),
        choices: ballot.choices.toString(),
        revision: ballot.revision.toString(),
        structHash: TypedDataEncoder.from(BALLOT_TYPES).hash(ballotMessage(ballot)),
        digest: ballotDigest(domain, ballot),
        signature: await key.signTypedData(domain, BALLOT_TYPES, ballotMessage(ballot)),
        leaf: ballotLeaf({ ...ballot, voter: key.address }),
      };
    }),
  );
}

async function enrolments() {
  const pepper = "pepper-for-tests-0123456789";
  return Promise.all(
    [
      { key: 1, residentId: "R-0001", issuedAt: "2030-05-01T09:00:00.000Z" },
      { key: 2, residentId: "R-0002", issuedAt: "2030-05-01T12:34:56.789+03:00" },
    ].map(async (e) => {
      const request = {
        residentHash: residentHash(pepper, e.residentId),
        address: keys[e.key]!.address,
        chainId: CHAIN_ID,
        ballotBox: BALLOT_BOX,
        issuedAt: e.issuedAt,
      };
      const message = enrolmentMessage(request);
      return {
        key: e.key,
        pepper,
        residentId: e.residentId,
        ...request,
        message,
        digest: hashMessage(message),
        signature: await keys[e.key]!.signMessage(message),
      };
    }),
  );
}

async function redemptions() {
  const domain = ballotDomain(CHAIN_ID, BALLOT_BOX);
  const value = { rewardId: 2n, nonce: 0n };
  return [
    {
      key: 0,
      rewardId: "2",
      nonce: "0",
      digest: TypedDataEncoder.hash(domain, REDEMPTION_TYPES, value),
      signature: await keys[0]!.signTypedData(domain, REDEMPTION_TYPES, value),
    },
  ];
}

function trees() {
  const leaves = Array.from({ length: 7 }, (_, i) =>
    ballotLeaf({ pollId: 7n, voter: keys[i % 3]!.address, choices: BigInt(1 + (i % 3)) | 8n, revision: BigInt(1 + i) }),
  );
  return [0, 1, 2, 3, 5, 7].map((size) => {
    const tree = buildBallotTree(leaves.slice(0, size));
    return {
      leaves: leaves.slice(0, size),
      root: treeRoot(tree),
      proofs: Array.from({ length: size }, (_, leafIndex) => {
        const proof = proofOf(tree, leafIndex);
        return { ...proof, positions: positions(leafIndex, size) };
      }),
    };
  });
}

function recount() {
  const events = [
    { resident: 1, selected: [[0], [1]], revision: 1 },
    { resident: 2, selected: [[2], [0, 3]], revision: 1 },
    { resident: 1, selected: [[1], [2, 3]], revision: 2 },
    { resident: 3, selected: [[1], [1]], revision: 1 },
    { resident: 2, selected: [[1], [0]], revision: 5 },
  ].map((e) => ({ resident: e.resident, revision: e.revision, choices: encodeChoices(QUESTIONS, e.selected) }));
  const count = new PollCount(totalOptions(QUESTIONS));
  for (const e of events) count.add(e);
  return {
    questions: QUESTIONS,
    events: events.map((e) => ({ ...e, choices: e.choices.toString() })),
    tallies: count.tallies().map(String),
    ballots: count.ballots,
    voters: count.voters,
  };
}

function choices() {
  return [{ selected: [[0], [1]] }, { selected: [[2], [0, 3]] }, { selected: [[1], [2, 3]] }].map((c) => {
    const bitmap = encodeChoices(QUESTIONS, c.selected);
    const bits = [...Array(totalOptions(QUESTIONS)).keys()].filter((b) => (bitmap >> BigInt(b)) & 1n);
    return { questions: QUESTIONS, selected: c.selected, choices: bitmap.toString(), bits };
  });
}

function pollStates() {
  const schedule = { start: 1000, end: 2000, cancelled: false, finalized: false };
  return [
    { ...schedule, now: 999 },
    { ...schedule, now: 1000 },
    { ...schedule, now: 1999 },
    { ...schedule, now: 2000 },
    { ...schedule, now: 1500, cancelled: true },
    { ...schedule, now: 2500, finalized: true },
  ].map((s) => ({ ...s, state: pollStateAt(s, s.now) }));
}

function pollText() {
  const text = (en: string, ru: string) => ({ en, ru });
  const content: PollContent = {
    title: text("Name the new metro line", "Как назвать новую линию метро"),
    description: text("Pick up to two names.", "Выберите до двух названий."),
    questions: [
      {
        text: text("Which names do you like?", "Какие названия вам нравятся?"),
        options: [text("Troitskaya", "Троицкая"), text("Kozhukhovskaya", "Кожуховская")],
      },
    ],
    results: "afterClose",
  };
  return { content, json: JSON.stringify(content), ...encodePollContent(content) };
}

/** A receipt as the API answers it and the client saves it, for the first ballot as leaf 0. */
function receipt(ballot: { leaf: string; voter: string; choices: string; revision: string }) {
  return {
    pollId: 7,
    leafIndex: 0,
    leaf: ballot.leaf,
    txHash: keccak256(toUtf8Bytes("an example transaction")),
    block: 1234,
    ballotBox: BALLOT_BOX,
    chainId: CHAIN_ID,
    voter: ballot.voter,
    choices: ballot.choices,
    revision: Number(ballot.revision),
  };
}

/** Building codes, a census of five residents in two buildings, and a secret ballot's scope, message and leaf. */
function secret() {
  const buildings = ["Lenina 1", "  ул.  Ленина,\tд. 1 ", "Mira 5", "MIRA   5"].map((text) => ({
    text,
    normalized: normalizeBuilding(text),
    code: buildingCode(text),
  }));
  const lenina = buildingCode("Lenina 1");
  const mira = buildingCode("Mira 5");
  const members = [
    { resident: 4, area: mira },
    { resident: 1, area: lenina },
    { resident: 3, area: lenina },
    { resident: 2, area: mira },
    { resident: 5, area: lenina },
  ].map((m) => ({ ...m, commitment: new Identity(`veche protocol identity ${m.resident}`).commitment }));
  const census = buildCensus(members);
  const pollId = 9n;
  const choices = encodeChoices(QUESTIONS, [[1], [0, 2]]);
  const nullifier = 12345678901234567890n;
  const scope = secretScope(CHAIN_ID, BALLOT_BOX, pollId);
  const message = secretMessage(choices, 2n);
  const snark = (x: bigint) =>
    (BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [x]))) >> 8n).toString();
  return {
    buildings,
    census: {
      members: members.map((m) => ({ ...m, commitment: m.commitment.toString() })),
      areas: census.areas.map((a) => ({
        area: a.area,
        index: a.index,
        commitments: a.commitments.map(String),
        root: a.root.toString(),
        leaf: censusAreaLeaf(a.area, a.root, a.commitments.length),
      })),
      root: census.root,
      eligible: census.eligible,
      argument: (({ root, ...rest }) => ({ ...rest, root: root.toString() }))(censusAreaArgument(census, mira)),
    },
    ballot: {
      chainId: CHAIN_ID,
      ballotBox: BALLOT_BOX,
      pollId: pollId.toString(),
      choices: choices.toString(),
      revision: "2",
      area: mira,
      nullifier: nullifier.toString(),
      scope: scope.toString(),
      message: message.toString(),
      publicScope: snark(scope),
      publicMessage: snark(message),
      leaf: secretBallotLeaf({ pollId, nullifier, choices, revision: 2n, area: mira }),
    },
  };
}

export async function buildVectors() {
  const domain = ballotDomain(CHAIN_ID, BALLOT_BOX);
  const signed = await ballots();
  return {
    about:
      "Test vectors of PROTOCOL.md, computed by contracts/protocol (npm run protocol:vectors). Numbers that may pass 2^53 are decimal strings.",
    domain: {
      name: domain.name,
      version: domain.version,
      chainId: CHAIN_ID,
      verifyingContract: BALLOT_BOX,
      separator: TypedDataEncoder.hashDomain(domain),
    },
    keys: keys.map((k) => ({ privateKey: k.privateKey, address: k.address })),
    choices: choices(),
    ballots: signed,
    enrolments: await enrolments(),
    redemptions: await redemptions(),
    trees: trees(),
    recount: recount(),
    pollStates: pollStates(),
    pollText: pollText(),
    receipt: receipt(signed[0]!),
    secret: secret(),
  };
}

if (require.main === module) {
  void buildVectors().then((vectors) => {
    fs.writeFileSync(VECTORS_FILE, `${JSON.stringify(vectors, null, 2)}\n`);
    process.stdout.write(`wrote ${VECTORS_FILE}\n`);
  });
}
