/** The front's note of signed transactions it passed to the node, for the archive's copier. */
import { expect } from "chai";
import { SentTransactions } from "../../../node/embedded/archive/sentTransactions";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const call = (id: number, method: string, raw: string) => ({ jsonrpc: "2.0", id, method, params: [raw] });

describe("embedded chain: transactions noted by the front", () => {
  it("keeps each transaction the node took, by the hash it answered, once", () => {
    const sent = new SentTransactions();
    const body = JSON.stringify([
      call(1, "eth_sendRawTransaction", "0xAA01"),
      call(2, "eth_sendRawTransaction", "0xaa02"),
      call(3, "eth_sendRawTransactionSync", "0xaa03"),
      call(4, "eth_chainId", "0xaa04"),
    ]);
    const answer = JSON.stringify([
      { jsonrpc: "2.0", id: 1, result: hash(1).toUpperCase().replace("0X", "0x") },
      { jsonrpc: "2.0", id: 2, error: { code: -32003, message: "nonce too low" } },
      { jsonrpc: "2.0", id: 3, result: { transactionHash: hash(3), status: "0x1" } },
      { jsonrpc: "2.0", id: 4, result: hash(4) },
    ]);
    sent.noteAnswered(body, answer);
    expect(sent.size).to.equal(2);
    expect(sent.take(hash(1))).to.equal("0xaa01");
    expect(sent.take(hash(1))).to.equal(undefined);
    expect(sent.take(hash(2))).to.equal(undefined);
    expect(sent.take(hash(3))).to.equal("0xaa03");
    expect(sent.take(hash(4))).to.equal(undefined);
  });

  it("takes single calls and ignores what is not JSON", () => {
    const sent = new SentTransactions();
    sent.noteAnswered(JSON.stringify(call(7, "eth_sendRawTransaction", "0xbb")), `{"id":7,"result":"${hash(7)}"}`);
    sent.noteAnswered("not json", "{}");
    expect(sent.size).to.equal(1);
    expect(sent.take(hash(7))).to.equal("0xbb");
  });

  it("forgets a transaction never mined after ten minutes", () => {
    let now = 0;
    const sent = new SentTransactions(() => now);
    sent.noteAnswered(JSON.stringify(call(1, "eth_sendRawTransaction", "0x01")), `{"id":1,"result":"${hash(1)}"}`);
    now = 9 * 60_000;
    sent.noteAnswered(JSON.stringify(call(2, "eth_sendRawTransaction", "0x02")), `{"id":2,"result":"${hash(2)}"}`);
    expect(sent.size).to.equal(2);
    now = 10 * 60_000;
    sent.noteAnswered(JSON.stringify(call(3, "eth_sendRawTransaction", "0x03")), `{"id":3,"result":"${hash(3)}"}`);
    expect(sent.take(hash(1))).to.equal(undefined);
    expect(sent.take(hash(2))).to.equal("0x02");
    expect(sent.take(hash(3))).to.equal("0x03");
  });
});
