/** The protocol module's Merkle tree works on Node Buffers; the npm `buffer` package provides them. */
import { Buffer } from "buffer";

const scope = globalThis as { Buffer?: typeof Buffer };
scope.Buffer ??= Buffer;
