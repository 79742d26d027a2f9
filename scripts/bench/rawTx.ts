/**
 * Legacy (EIP-155) transactions signed natively, for filling a benchmark chain fast: ethers signs a
 * transaction in ~1–2 ms in pure JS, which at 120,000 transactions would be the whole time budget.
 */
import secp256k1 from "secp256k1";
import { keccak256Native } from "../../contracts/protocol/node/native";

function intBytes(value: bigint): Buffer {
  if (value === 0n) return Buffer.alloc(0);
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
}

function lengthPrefix(length: number, short: number, long: number): Buffer {
  if (length <= 55) return Buffer.from([short + length]);
  const size = intBytes(BigInt(length));
  return Buffer.concat([Buffer.from([long + size.length]), size]);
}

function rlpBytes(bytes: Buffer): Buffer {
  if (bytes.length === 1 && bytes[0]! < 0x80) return bytes;
  return Buffer.concat([lengthPrefix(bytes.length, 0x80, 0xb7), bytes]);
}

function rlpList(items: Buffer[]): Buffer {
  const payload = Buffer.concat(items.map(rlpBytes));
  return Buffer.concat([lengthPrefix(payload.length, 0xc0, 0xf7), payload]);
}

export interface LegacyTx {
  nonce: number;
  gasPrice: bigint;
  gasLimit: number;
  to: string;
  data: Buffer;
  chainId: number;
}

/** The 0x-prefixed raw transaction for eth_sendRawTransaction. */
export function signLegacyTx(tx: LegacyTx, privateKey: Buffer): string {
  const fields = [
    intBytes(BigInt(tx.nonce)),
    intBytes(tx.gasPrice),
    intBytes(BigInt(tx.gasLimit)),
    Buffer.from(tx.to.slice(2), "hex"),
    Buffer.alloc(0),
    tx.data,
  ];
  const digest = keccak256Native(rlpList([...fields, intBytes(BigInt(tx.chainId)), Buffer.alloc(0), Buffer.alloc(0)]));
  const { signature, recid } = secp256k1.ecdsaSign(digest, privateKey);
  const r = Buffer.from(signature.subarray(0, 32));
  const s = Buffer.from(signature.subarray(32, 64));
  const v = BigInt(tx.chainId * 2 + 35 + recid);
  const strip = (b: Buffer) => intBytes(BigInt(`0x${b.toString("hex")}`));
  return `0x${rlpList([...fields, intBytes(v), strip(r), strip(s)]).toString("hex")}`;
}

export function addressOf(privateKey: Buffer): string {
  const publicKey = secp256k1.publicKeyCreate(privateKey, false);
  return `0x${keccak256Native(Buffer.from(publicKey.subarray(1)))
    .subarray(12)
    .toString("hex")}`;
}

/** A 65-byte r‖s‖v signature (v 27/28) over a 32-byte digest. */
export function signDigest(digest: Buffer, privateKey: Buffer): Buffer {
  const { signature, recid } = secp256k1.ecdsaSign(digest, privateKey);
  return Buffer.concat([Buffer.from(signature), Buffer.from([27 + recid])]);
}
