/**
 * The ballot's leaf and its EIP-712 digest, encoded by hand into one Buffer each and hashed natively:
 * at a million ballots ethers' AbiCoder and JS keccak per ballot would cost more than the whole audit.
 * Tests check both against contracts/protocol (ballotLeaf) and the contract (ballotDigest).
 */
import { getAddress, id as hashText, keccak256 as jsKeccak, toUtf8Bytes } from "ethers";
import { DOMAIN_NAME, DOMAIN_VERSION } from "../../contracts/protocol";
import { keccak256Native, recoverAddress } from "../../contracts/protocol/node/native";

/** A uint256 as 64 hex digits. */
export function word(value: bigint): string {
  if (value < 0n || value >= 1n << 256n) throw new RangeError(`${value} does not fit in uint256`);
  return value.toString(16).padStart(64, "0");
}

/** An address as a 32-byte ABI word (64 hex digits). */
export function addressWord(address: string): string {
  return getAddress(address).slice(2).toLowerCase().padStart(64, "0");
}

/** keccak256(abi.encode(pollId, voter, choices, revision)) from the four words in hex. */
export function leafFromWords(
  pollIdWord: string,
  voterWord: string,
  choicesWord: string,
  revisionWord: string,
): Buffer {
  // One 128-byte preimage, reused: keccak256Native copies what it absorbs, so nothing keeps a reference.
  preimage.write(pollIdWord, 0, "hex");
  preimage.write(voterWord, 32, "hex");
  preimage.write(choicesWord, 64, "hex");
  preimage.write(revisionWord, 96, "hex");
  return keccak256Native(preimage);
}

const preimage = Buffer.alloc(128);

export function ballotLeafNative(b: { pollId: bigint; voter: string; choices: bigint; revision: bigint }): Buffer {
  return leafFromWords(word(b.pollId), addressWord(b.voter), word(b.choices), word(b.revision));
}

const BALLOT_TYPEHASH = hashText("Ballot(uint256 pollId,uint256 choices,uint256 revision)").slice(2);
const DOMAIN_TYPEHASH = hashText(
  "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
).slice(2);

/** Recovers ballot signers for one chain and ballot box. */
export class BallotSigners {
  private readonly prefix: Buffer;

  constructor(chainId: bigint | number, ballotBox: string) {
    const separator = jsKeccak(
      Buffer.from(
        DOMAIN_TYPEHASH +
          jsKeccak(toUtf8Bytes(DOMAIN_NAME)).slice(2) +
          jsKeccak(toUtf8Bytes(DOMAIN_VERSION)).slice(2) +
          word(BigInt(chainId)) +
          addressWord(ballotBox),
        "hex",
      ),
    );
    this.prefix = Buffer.from(`1901${separator.slice(2)}`, "hex");
  }

  /** The EIP-712 digest the voter signs, from the ballot's words in hex. */
  digestFromWords(pollIdWord: string, choicesWord: string, revisionWord: string): Buffer {
    const structHash = keccak256Native(Buffer.from(BALLOT_TYPEHASH + pollIdWord + choicesWord + revisionWord, "hex"));
    return keccak256Native(Buffer.concat([this.prefix, structHash], 66));
  }

  digest(b: { pollId: bigint; choices: bigint; revision: bigint }): Buffer {
    return this.digestFromWords(word(b.pollId), word(b.choices), word(b.revision));
  }

  /** Lower-case address of the signer, or null when the contract would reject the signature. */
  recover(b: { pollId: bigint; choices: bigint; revision: bigint; signature: string }): string | null {
    if (!/^0x[0-9a-fA-F]{130}$/.test(b.signature)) return null;
    return this.recoverDigest(this.digest(b), Buffer.from(b.signature.slice(2), "hex"));
  }

  recoverDigest(digest: Buffer, signature: Buffer): string | null {
    return recoverAddress(digest, signature);
  }
}
