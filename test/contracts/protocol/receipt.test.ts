import { expect } from "chai";
import { isFullReceipt, parseReceipt, ReceiptFormatError, receiptFileName } from "../../../contracts/protocol";

const receipt = {
  pollId: 3,
  leafIndex: 12,
  leaf: `0x${"AB".repeat(32)}`,
  txHash: `0x${"cd".repeat(32)}`,
  block: 77,
  ballotBox: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  chainId: 31337,
  voter: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  choices: "10",
  revision: 2,
};

describe("ballot receipts", () => {
  it("normalises hashes to lower case, addresses to their checksum and numbers to numbers", () => {
    const parsed = parseReceipt(JSON.stringify({ ...receipt, pollId: "3", revision: "2" }));
    expect(parsed).to.deep.equal({
      ...receipt,
      leaf: receipt.leaf.toLowerCase(),
      ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      voter: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    });
    expect(isFullReceipt(parsed)).to.equal(true);
    expect(receiptFileName(parsed)).to.equal("veche-receipt-poll3-leaf12.json");
  });

  it("takes a receipt without the ballot's fields, which proves inclusion only", () => {
    const { voter: _v, choices: _c, revision: _r, ...core } = receipt;
    const parsed = parseReceipt(core);
    expect(isFullReceipt(parsed)).to.equal(false);
    expect(parsed.voter).to.equal(undefined);
  });

  it("names the first field that is missing or malformed", () => {
    const field = (input: unknown) => {
      try {
        parseReceipt(input);
      } catch (error) {
        return error instanceof ReceiptFormatError ? error.field : "other";
      }
      return null;
    };
    expect(field("{")).to.equal("(json)");
    expect(field([])).to.equal("(root)");
    expect(field({ ...receipt, leaf: "0x1234" })).to.equal("leaf");
    expect(field({ ...receipt, pollId: -1 })).to.equal("pollId");
    expect(field({ ...receipt, choices: "1e3" })).to.equal("choices");
    expect(field({ ...receipt, revision: 65536 })).to.equal("revision");
    expect(field({ ...receipt, ballotBox: undefined })).to.equal("ballotBox");
  });
});
