/**
 * A mined transaction's JSON, as anvil answers `eth_getTransactionByHash`, rebuilt from its signed
 * bytes and its receipt. The archive keeps the bytes the front saw sent: reading a transaction back
 * from anvil makes it recover the sender's key again, which cost the node as much as taking the
 * transaction in. The receipt already names the sender.
 */
import { decodeRlp } from "ethers";
import type { RlpStructuredData } from "ethers";

/** Where the transaction was mined, and what its receipt says of it. */
export interface MinedContext {
  hash: string;
  blockHash: string;
  blockNumber: string;
  transactionIndex: string;
  blockTimestamp: string;
  from: string;
  effectiveGasPrice: string;
}

type Fields = Record<string, unknown>;

const quantity = (v: RlpStructuredData): string => {
  if (typeof v !== "string") throw new Error("expected a number");
  return v === "0x" ? "0x0" : `0x${BigInt(v).toString(16)}`;
};
const address = (v: RlpStructuredData): string | null => {
  if (typeof v !== "string") throw new Error("expected an address");
  if (v === "0x") return null;
  if (v.length !== 42) throw new Error("bad address");
  return v.toLowerCase();
};
const data = (v: RlpStructuredData): string => {
  if (typeof v !== "string") throw new Error("expected bytes");
  return v.toLowerCase();
};
const list = (v: RlpStructuredData): RlpStructuredData[] => {
  if (!Array.isArray(v)) throw new Error("expected a list");
  return v;
};

/** A typed transaction's signature: anvil gives its y parity twice, as `yParity` and as `v`. */
function typedSignature(yParity: RlpStructuredData, r: RlpStructuredData, s: RlpStructuredData): Fields {
  return { r: quantity(r), s: quantity(s), yParity: quantity(yParity), v: quantity(yParity) };
}

function accessList(v: RlpStructuredData): Fields[] {
  return list(v).map((entry) => {
    const [addr, keys] = list(entry);
    return { address: address(addr!), storageKeys: list(keys!).map(data) };
  });
}

function authorizationList(v: RlpStructuredData): Fields[] {
  return list(v).map((entry) => {
    const [chainId, addr, nonce, yParity, r, s] = list(entry);
    return {
      chainId: quantity(chainId!),
      address: address(addr!),
      nonce: quantity(nonce!),
      yParity: quantity(yParity!),
      r: quantity(r!),
      s: quantity(s!),
    };
  });
}

/**
 * Whether `minedTransactionJson` rebuilds this kind of transaction. Asked of every transaction the
 * copier archives, so a legacy one's v is found by stepping over its RLP fields, not decoding them.
 */
export function rebuildable(raw: string): boolean {
  const byte = (at: number) => parseInt(raw.slice(2 + 2 * at, 4 + 2 * at), 16);
  const number = (at: number, length: number) =>
    length === 0 ? 0 : parseInt(raw.slice(2 + 2 * at, 2 + 2 * (at + length)), 16);
  const first = byte(0);
  if (first === 1 || first === 2 || first === 4) return true;
  if (!(first >= 0xc0)) return false;
  let at = first <= 0xf7 ? 1 : 1 + (first - 0xf7);
  // nonce, gasPrice, gas, to, value, input: then v.
  for (let field = 0; field <= 6; field++) {
    const head = byte(at);
    let start = at + 1;
    let length = 0;
    if (head < 0x80) {
      start = at;
      length = 1;
    } else if (head <= 0xb7) length = head - 0x80;
    else if (head <= 0xbf) {
      start = at + 1 + (head - 0xb7);
      length = number(at + 1, head - 0xb7);
    } else return false;
    if (!Number.isFinite(length) || start + length > (raw.length - 2) / 2) return false;
    if (field === 6) return length <= 6 && number(start, length) >= 35;
    at = start + length;
  }
  return false;
}

/** The JSON text anvil would answer for this transaction; null for a kind it does not rebuild. */
export function minedTransactionJson(raw: string, mined: MinedContext): string | null {
  try {
    // Buffer's hex reader is native; it stops at the first character that is not hex, caught here.
    const bytes = Buffer.from(raw.slice(2), "hex");
    if (!raw.startsWith("0x") || bytes.length * 2 !== raw.length - 2) return null;
    const where = {
      hash: mined.hash,
      blockHash: mined.blockHash,
      blockNumber: mined.blockNumber,
      transactionIndex: mined.transactionIndex,
      from: mined.from,
    };
    const typed = bytes[0]! < 0x7f;
    const f = list(decodeRlp(typed ? bytes.subarray(1) : bytes));
    let tx: Fields;
    if (!typed) {
      const [nonce, gasPrice, gas, to, value, input, v, r, s] = f;
      const vNumber = BigInt(quantity(v!));
      // Signatures without a chain id (EIP-155) are answered differently: left to the node.
      if (f.length !== 9 || vNumber < 35n) return null;
      tx = {
        type: "0x0",
        chainId: `0x${((vNumber - 35n) / 2n).toString(16)}`,
        nonce: quantity(nonce!),
        gasPrice: quantity(gasPrice!),
        gas: quantity(gas!),
        to: address(to!),
        value: quantity(value!),
        input: data(input!),
        r: quantity(r!),
        s: quantity(s!),
        v: quantity(v!),
        ...where,
      };
    } else if (bytes[0] === 1 && f.length === 11) {
      const [chainId, nonce, gasPrice, gas, to, value, input, access, yParity, r, s] = f;
      tx = {
        type: "0x1",
        chainId: quantity(chainId!),
        nonce: quantity(nonce!),
        gasPrice: quantity(gasPrice!),
        gas: quantity(gas!),
        to: address(to!),
        value: quantity(value!),
        accessList: accessList(access!),
        input: data(input!),
        ...typedSignature(yParity!, r!, s!),
        ...where,
      };
    } else if ((bytes[0] === 2 && f.length === 12) || (bytes[0] === 4 && f.length === 13)) {
      const [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, input, access] = f;
      const [yParity, r, s] = f.slice(-3);
      tx = {
        type: `0x${bytes[0].toString(16)}`,
        chainId: quantity(chainId!),
        nonce: quantity(nonce!),
        gas: quantity(gas!),
        maxFeePerGas: quantity(maxFeePerGas!),
        maxPriorityFeePerGas: quantity(maxPriorityFeePerGas!),
        to: address(to!),
        value: quantity(value!),
        accessList: accessList(access!),
        ...(bytes[0] === 4 ? { authorizationList: authorizationList(f[9]!) } : {}),
        input: data(input!),
        ...typedSignature(yParity!, r!, s!),
        ...where,
        gasPrice: mined.effectiveGasPrice,
      };
    } else {
      return null;
    }
    return JSON.stringify({ ...tx, blockTimestamp: mined.blockTimestamp });
  } catch {
    return null;
  }
}
