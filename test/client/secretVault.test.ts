/**
 * The anonymous identity at rest and secret receipts, checked outside the browser with the same Web
 * Crypto the browser uses: the identity opens only with its password and owner, its ciphertext names
 * no secret, and a secret receipt is parsed strictly and rebuilds its ballot's leaf.
 */
import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { secretBallotLeaf } from "../../contracts/protocol";
import { decryptIdentity, encryptIdentity, parseStoredIdentity } from "../../client/src/keys/identity";
import type { VaultError } from "../../client/src/keys/vault";
import { looksSecret, parseSecretReceipt } from "../../client/src/secret/secretReceipt";
import type { ReceiptFormatError } from "../../contracts/protocol/receipt";

const PASSWORD = "a long password for the browser";

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("client: anonymous identity at rest", function () {
  this.timeout(60_000);

  it("opens with its password and owner, giving back the same identity", async () => {
    const identity = new Identity();
    const stored = await encryptIdentity("R-1", identity, PASSWORD);
    expect(stored.commitment).to.equal(identity.commitment.toString());
    expect(stored.iterations).to.be.at.least(200_000);
    expect(JSON.stringify(stored)).to.not.include(identity.export());
    expect(parseStoredIdentity(JSON.parse(JSON.stringify(stored)))).to.deep.equal(stored);
    const opened = await decryptIdentity("R-1", stored, PASSWORD);
    expect(opened.commitment).to.equal(identity.commitment);
  });

  it("refuses a wrong password, another resident, a swapped commitment and an empty password", async () => {
    const stored = await encryptIdentity("R-1", new Identity(), PASSWORD);
    const code = async (p: Promise<unknown>) => ((await rejected(p)) as VaultError).code;
    expect(await code(decryptIdentity("R-1", stored, "not the password"))).to.equal("PASSWORD_WRONG");
    expect(await code(decryptIdentity("R-2", stored, PASSWORD))).to.equal("PASSWORD_WRONG");
    const swapped = { ...stored, commitment: new Identity().commitment.toString() };
    expect(await code(decryptIdentity("R-1", swapped, PASSWORD))).to.equal("PASSWORD_WRONG");
    expect(await code(decryptIdentity("R-1", stored, ""))).to.equal("PASSWORD_REQUIRED");
    expect(await code(encryptIdentity("R-1", new Identity(), ""))).to.equal("PASSWORD_REQUIRED");
  });

  it("reads back only a stored identity it understands", () => {
    expect(parseStoredIdentity(null)).to.equal(null);
    expect(parseStoredIdentity({ version: 2 })).to.equal(null);
    expect(
      parseStoredIdentity({
        version: 1,
        commitment: "0x12",
        kdf: "PBKDF2-SHA256",
        iterations: 1,
        salt: "",
        iv: "",
        ciphertext: "",
        createdAt: "",
      }),
    ).to.equal(null);
  });
});

describe("client: secret receipts", function () {
  const fields = {
    pollId: 7,
    nullifier: "123456789012345678901234567890",
    area: 3999962115,
    choices: "2",
    revision: 2,
  };
  const leaf = secretBallotLeaf({
    pollId: 7n,
    nullifier: BigInt(fields.nullifier),
    choices: 2n,
    revision: 2n,
    area: fields.area,
  });
  const receipt = {
    ...fields,
    leafIndex: 1,
    leaf,
    txHash: `0x${"ab".repeat(32)}`,
    block: 32,
    ballotBox: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    chainId: 31337,
  };

  it("parses a secret receipt, normalising its address, and its fields rebuild the leaf", () => {
    expect(looksSecret(receipt)).to.equal(true);
    expect(looksSecret({ voter: "0x" })).to.equal(false);
    const parsed = parseSecretReceipt(receipt);
    expect(parsed.ballotBox).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const rebuilt = secretBallotLeaf({
      pollId: BigInt(parsed.pollId),
      nullifier: BigInt(parsed.nullifier),
      choices: BigInt(parsed.choices),
      revision: BigInt(parsed.revision),
      area: parsed.area,
    });
    expect(rebuilt).to.equal(parsed.leaf);
  });

  it("names the first bad field of a damaged receipt", () => {
    const bad = (patch: Record<string, unknown>) => {
      try {
        parseSecretReceipt({ ...receipt, ...patch });
      } catch (error) {
        return (error as ReceiptFormatError).field;
      }
      return null;
    };
    expect(bad({ nullifier: "0x12" })).to.equal("nullifier");
    expect(bad({ area: -1 })).to.equal("area");
    expect(bad({ revision: 70_000 })).to.equal("revision");
    expect(bad({ leaf: "0x12" })).to.equal("leaf");
    expect(bad({ choices: "one" })).to.equal("choices");
    expect(bad({})).to.equal(null);
  });
});
