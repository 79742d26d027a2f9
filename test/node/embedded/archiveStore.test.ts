/**
 * The archive's file across versions: an archive written by the first layout (transactions keyed by
 * hash, logs by block and index) is carried into the current one when the chain starts, and answers
 * the same.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ArchiveStore } from "../../../node/embedded/archive/store";
import { tempDataDir } from "./voting";

const FIRST_LAYOUT = `
  CREATE TABLE blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, parent_hash TEXT NOT NULL, header TEXT NOT NULL);
  CREATE TABLE transactions (hash TEXT PRIMARY KEY, block INTEGER NOT NULL, idx INTEGER NOT NULL, tx TEXT NOT NULL, receipt TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX transactions_block ON transactions (block, idx);
  CREATE TABLE logs (block INTEGER NOT NULL, log_index INTEGER NOT NULL, address TEXT NOT NULL, topic0 TEXT, topic1 TEXT,
    topic2 TEXT, topic3 TEXT, log TEXT NOT NULL, PRIMARY KEY (block, log_index)) WITHOUT ROWID;
  CREATE INDEX logs_address ON logs (address, block);
`;

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const ADDRESS = `0x${"ab".repeat(20)}`;

describe("embedded chain: the archive's file", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("carries an archive of the first layout into the current one, answering the same", () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const file = path.join(dir, "archive.sqlite");
    const old = new Database(file);
    old.exec(FIRST_LAYOUT);
    const txJson = (b: number, i: number) =>
      JSON.stringify({ hash: hash(1000 * b + i), blockNumber: `0x${b.toString(16)}` });
    const receiptJson = (b: number, i: number) =>
      JSON.stringify({ transactionHash: hash(1000 * b + i), status: "0x1" });
    const logJson = (b: number, i: number) =>
      JSON.stringify({ blockNumber: `0x${b.toString(16)}`, logIndex: `0x${i.toString(16)}` });
    for (let b = 0; b < 3; b++) {
      old
        .prepare("INSERT INTO blocks VALUES (?, ?, ?, ?)")
        .run(
          b,
          hash(b + 1),
          hash(b),
          JSON.stringify({ number: `0x${b.toString(16)}`, transactions: [hash(1000 * b), hash(1000 * b + 1)] }),
        );
      for (let i = 0; i < 2; i++) {
        old
          .prepare("INSERT INTO transactions VALUES (?, ?, ?, ?, ?)")
          .run(hash(1000 * b + i), b, i, txJson(b, i), receiptJson(b, i));
        old
          .prepare("INSERT INTO logs VALUES (?, ?, ?, ?, NULL, NULL, NULL, ?)")
          .run(b, i, ADDRESS, hash(7 + i), logJson(b, i));
      }
    }
    old.close();

    const store = new ArchiveStore(file);
    try {
      expect(store.head()).to.deep.equal({ number: 2, hash: hash(3) });
      expect(JSON.parse(store.block({ number: 1 }, true)!)).to.deep.equal({
        number: "0x1",
        transactions: [JSON.parse(txJson(1, 0)), JSON.parse(txJson(1, 1))],
      });
      expect(store.receiptsOf(2)).to.equal(`[${receiptJson(2, 0)},${receiptJson(2, 1)}]`);
      const found = store.transaction(hash(1001));
      expect(found && { block: found.block, tx: found.tx(), receipt: found.receipt }).to.deep.equal({
        block: 1,
        tx: txJson(1, 1),
        receipt: receiptJson(1, 1),
      });
      const logs = store.logs({ from: 1, to: 2, addresses: [ADDRESS], topics: [[hash(8)]] });
      expect(logs).to.deep.equal([logJson(1, 1), logJson(2, 1)]);
      // New blocks extend it, and a reorganisation forgets what came after.
      store.append([{ number: 3, hash: hash(4), parentHash: hash(3), header: "{}", transactions: [], logs: [] }]);
      store.truncateAfter(1);
      expect(store.head()?.number).to.equal(1);
      expect(store.transaction(hash(2000))).to.equal(null);
      expect(store.logs({ from: 0, to: 5, addresses: [], topics: [] })).to.have.length(4);
    } finally {
      store.close();
    }
    // Opened again: nothing left to carry over.
    const again = new ArchiveStore(file);
    expect(again.head()?.number).to.equal(1);
    again.close();
  });
});
