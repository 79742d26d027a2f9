/** Liveness, readiness, and where to read the chain. */
import { z } from "zod";
import { address } from "./common";

export const health = z.object({
  status: z.literal("ok"),
  instance: z.string().describe("which of the API instances sharing the store answered"),
});

export const readiness = z.object({
  status: z.enum(["ready", "not ready"]),
  checks: z.record(z.string(), z.boolean()),
});

export const chainConfig = z.object({
  chainId: z.number().int(),
  ballotBox: address,
  deployedBlock: z.number().int(),
  network: z.string(),
  rpcUrl: z.string().describe("a JSON-RPC URL browsers may read the chain from"),
});

export type ChainConfig = z.infer<typeof chainConfig>;
