import { chainConfig, health, readiness } from "../../wire/health";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { AppContext } from "../context";
import { isWritable } from "../store/open";

/** Liveness, readiness and what a browser needs to read the chain itself. */
export function healthRoutes(ctx: AppContext): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/healthz",
      tag: "operations",
      summary: "The process is up, and which of the instances sharing the store it is",
      access: "public",
      response: health,
      handler: () => ({ body: { status: "ok" as const, instance: ctx.instance.id } }),
    }),
    route({
      method: "get",
      path: "/readyz",
      tag: "operations",
      summary: "The chain answers, the store takes writes, and the indexer is near the head",
      access: "public",
      response: readiness,
      handler: async () => {
        const checks: Record<string, boolean> = {
          store: false,
          chain: false,
          indexer: false,
          relayer: ctx.relayer.ready,
        };
        const [store, head] = await Promise.all([
          isWritable(ctx.sql),
          ctx.chain.rpc.call<string>("eth_blockNumber", []).then(Number, () => null),
        ]);
        checks.store = store;
        if (head !== null) {
          checks.chain = true;
          checks.indexer = head - ctx.follower.height <= 30;
        }
        const ready = Object.values(checks).every(Boolean);
        return {
          status: ready ? 200 : 503,
          body: { status: ready ? ("ready" as const) : ("not ready" as const), checks },
        };
      },
    }),
    route({
      method: "get",
      path: "/metrics",
      tag: "operations",
      summary: "Prometheus metrics",
      access: "public",
      handler: async ({ res }) => {
        const depth = await ctx.outbox.openCounts();
        ctx.metrics.outboxDepth.set({ status: "accepted" }, depth.accepted);
        ctx.metrics.outboxDepth.set({ status: "sent" }, depth.sent);
        ctx.metrics.indexedBlock.set(ctx.follower.height);
        res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
        return { body: null };
      },
    }),
    route({
      method: "get",
      path: "/api/config",
      tag: "chain",
      summary: "Chain id, contract address and a JSON-RPC URL to verify everything without this API",
      access: "public",
      response: chainConfig,
      handler: () => ({
        body: {
          chainId: ctx.chain.deployment.chainId,
          ballotBox: ctx.chain.deployment.ballotBox,
          deployedBlock: ctx.chain.deployment.deployedBlock,
          network: ctx.chain.deployment.network,
          rpcUrl: ctx.config.publicRpcUrl,
        },
      }),
    }),
  ];
}
