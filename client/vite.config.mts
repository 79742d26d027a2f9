/**
 * Builds the resident app and public explorer into client/dist, which the API serves. The protocol
 * module (ethers, merkletreejs) expects Node's Buffer, so the npm `buffer` package stands in for it.
 * The secret-ballot prover (snarkjs and its WebAssembly) is bundled into its own worker.
 */
/* eslint import-x/no-cycle: "off" -- the rule's resolver cannot load the "vite" package; a config file has no cycles. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  resolve: {
    alias: {
      buffer: "buffer/",
      // Semaphore's proof package would fetch proving files from a CDN if none were given; the
      // client always gives the API's own, and the bundle carries no download path at all.
      "@zk-kit/artifacts": path.join(here, "src/secret/noArtifactDownload.ts"),
    },
  },
  define: { global: "globalThis" },
  // ethers and the typed contract make up most of the bundle.
  build: {
    outDir: path.join(here, "dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 900,
  },
  worker: { format: "es" },
  server: {
    // `npm run client:dev` talks to an API started separately (`npm start`); the API also serves the
    // proving files of secret ballots.
    proxy: Object.fromEntries(
      ["/api", "/artifacts"].map((prefix) => [prefix, process.env.VECHE_API_URL ?? "http://127.0.0.1:8080"]),
    ),
  },
});
