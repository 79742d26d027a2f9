/**
 * keccak-256 through the native `keccak` binding, for the ballot trees the indexer keeps: a pure-JS
 * hash costs ~5 µs, too much for a tree of a million ballots. Drives the binding's sponge directly
 * (the package's stream wrapper costs as much again) and falls back to the wrapper if that changes.
 */
import createKeccak from "keccak";
import type { HashFn } from "../../../contracts/protocol";

interface KeccakSponge {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}

function rawSponge(): KeccakSponge | null {
  const state = (createKeccak("keccak256") as unknown as { _state?: Partial<KeccakSponge> })._state;
  const usable =
    state &&
    typeof state.initialize === "function" &&
    typeof state.absorb === "function" &&
    typeof state.squeeze === "function";
  return usable ? (state as KeccakSponge) : null;
}

const sponge = rawSponge();

export const nativeKeccak: HashFn = sponge
  ? (data) => {
      sponge.initialize(1088, 512);
      sponge.absorb(data);
      return sponge.squeeze(32);
    }
  : (data) => createKeccak("keccak256").update(data).digest();
