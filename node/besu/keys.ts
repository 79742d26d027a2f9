// secp256k1 node keys in the shapes Besu reads and writes.
import { randomBytes } from "node:crypto";
import { SigningKey, computeAddress, hexlify, isHexString } from "ethers";

export interface NodeKey {
  /** 0x + 64 hex. */
  privateKey: string;
  /** Node id / enode id: 0x + 128 hex (uncompressed key without the 0x04 prefix). */
  publicKey: string;
  /** Checksummed address: the validator address in QBFT. */
  address: string;
}

/** Node id (0x + 128 hex) -> address, the same as `besu public-key export-address`. */
export function addressFromPublicKey(publicKey: string): string {
  if (!isHexString(publicKey, 64)) throw new Error(`node public key must be 64 bytes of hex, got ${publicKey}`);
  return computeAddress("0x04" + publicKey.slice(2));
}

export function nodeKeyFromPrivateKey(privateKey: string): NodeKey {
  const signingKey = new SigningKey(privateKey);
  const publicKey = "0x" + signingKey.publicKey.slice(4);
  return { privateKey: signingKey.privateKey, publicKey, address: computeAddress(signingKey.publicKey) };
}

export function generateNodeKey(): NodeKey {
  // A 32-byte string is a valid key unless it is 0 or >= the curve order (~2^-128): retry then.
  for (;;) {
    try {
      return nodeKeyFromPrivateKey(hexlify(randomBytes(32)));
    } catch {
      continue;
    }
  }
}

/**
 * Content of the `key` file: one line of 0x-prefixed hex, exactly as Besu's
 * KeyPairUtil writes it (it reads the single line with Bytes32.fromHexString).
 */
export function keyFileContent(key: NodeKey): string {
  return key.privateKey;
}

/** Content of `key.pub`, as `besu public-key export` prints it. */
export function publicKeyFileContent(key: NodeKey): string {
  return key.publicKey;
}
