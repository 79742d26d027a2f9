// enode URLs: enode://<128-hex node id>@<host>:<tcp port>[?discport=<udp port>]
import { isIP } from "node:net";
import { addressFromPublicKey } from "./keys";

export interface Enode {
  /** 0x + 128 hex. */
  publicKey: string;
  host: string;
  port: number;
  discport?: number;
}

const ENODE = /^enode:\/\/([0-9a-fA-F]{128})@(\[[0-9a-fA-F:.]+\]|[^:/?#@\s]+):(\d{1,5})(?:\?discport=(\d{1,5}))?$/;

function port(value: string | undefined, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${what} must be 1-65535, got ${value}`);
  return n;
}

export function parseEnode(url: string): Enode {
  const m = ENODE.exec(url.trim());
  if (!m) throw new Error(`not an enode URL (enode://<128 hex>@host:port): ${url}`);
  const host = (m[2] ?? "").replace(/^\[(.*)\]$/, "$1");
  const enode: Enode = { publicKey: "0x" + (m[1] ?? "").toLowerCase(), host, port: port(m[3], "enode port") };
  if (m[4] !== undefined) enode.discport = port(m[4], "enode discport");
  return enode;
}

export function formatEnode(enode: Enode): string {
  const id = enode.publicKey.replace(/^0x/, "").toLowerCase();
  if (!/^[0-9a-f]{128}$/.test(id)) throw new Error(`node public key must be 64 bytes of hex, got ${enode.publicKey}`);
  const host = isIP(enode.host) === 6 ? `[${enode.host}]` : enode.host;
  const disc = enode.discport !== undefined && enode.discport !== enode.port ? `?discport=${enode.discport}` : "";
  return `enode://${id}@${host}:${enode.port}${disc}`;
}

export function enodeAddress(enode: Enode): string {
  return addressFromPublicKey(enode.publicKey);
}
