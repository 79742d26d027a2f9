/**
 * Builds the API: store, chain connection, indexer, outbox relayer and the HTTP routes of every
 * feature. `createApp` wires; `start` catches up with the chain and reconciles the outbox before
 * anything is served; `stop` lets in-flight work finish.
 */
import crypto from "node:crypto";
import path from "node:path";
import express from "express";
import helmet from "helmet";
import pino from "pino";
import pinoHttp from "pino-http";
import type { Logger } from "pino";
import type { Config } from "./config";
import { connectChain } from "./chain/chain";
import type { AppContext } from "./context";
import { migrate, openDatabase } from "./store/database";
import { indexerMigrations } from "./indexer/schema";
import { ChainFollower } from "./indexer/follower";
import { ChainState } from "./indexer/chainState";
import { ballotMigrations } from "./ballots/schema";
import { OutboxStore } from "./ballots/store";
import { Relayer, defaultRelayerOptions } from "./ballots/relayer";
import { BallotService } from "./ballots/service";
import { ballotRoutes } from "./ballots/routes";
import { PollService } from "./polls/service";
import { pollRoutes } from "./polls/routes";
import { healthRoutes } from "./health/routes";
import { Metrics } from "./metrics";
import { mountRoutes, route } from "./http/route";
import type { Authenticators, RouteSpec } from "./http/route";
import { openApiDocument } from "./http/openapi";
import { errorHandler, notFoundHandler } from "./http/errorHandler";

export interface VecheApp {
  app: express.Express;
  ctx: AppContext;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createApp(config: Config, options: { logger?: Logger } = {}): VecheApp {
  const log = options.logger ?? pino({ level: config.logLevel });
  const db = openDatabase(path.join(config.dataDir, "api.sqlite"));
  migrate(db, [...indexerMigrations, ...ballotMigrations]);

  const metrics = new Metrics();
  const chain = connectChain(config);
  const follower = new ChainFollower(db, chain, log.child({ part: "indexer" }));
  const state = new ChainState(follower.store, chain);
  const outbox = new OutboxStore(db);
  const relayer = new Relayer(chain, outbox, log.child({ part: "relayer" }), metrics, {
    ...defaultRelayerOptions,
    maxInFlight: config.relayerMaxInFlight,
  });
  const ctx: AppContext = { config, log, db, chain, follower, state, outbox, relayer, metrics };

  follower.addListener(state);
  follower.addListener({
    inTransaction: (batch) => {
      const ballots = batch.events.filter((e) => e.kind === "ballot");
      if (ballots.length === 0) return;
      const now = Date.now();
      for (const b of ballots) {
        const open = outbox.get(b.leaf);
        if (open && open.status !== "mined") {
          relayer.settled(open.relayer);
          metrics.acceptToMined.observe((now - open.acceptedAt) / 1000);
        }
      }
      metrics.ballotsMined.inc(outbox.markMined(ballots, now));
    },
  });

  const ballots = new BallotService(chain, state, outbox, metrics, () => relayer.notify());
  const polls = new PollService(chain, state);

  const specs: RouteSpec[] = [...healthRoutes(ctx), ...pollRoutes(polls), ...ballotRoutes(ballots)];
  const docs = openApiDocument(specs, "0.1.0");
  specs.push(
    route({
      method: "get",
      path: "/api/docs",
      tag: "operations",
      summary: "This OpenAPI document",
      access: "public",
      handler: () => ({ body: docs }),
    }),
  );

  const auth: Authenticators = {
    resident: () => null,
    staff: (token) => safeEqual(token, config.staffToken),
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(
    pinoHttp({
      logger: log.child({ part: "http" }),
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/metrics" },
    }),
  );
  app.use(helmet());
  app.use(express.json({ limit: "32kb", strict: true }));
  const router = express.Router();
  mountRoutes(router, specs, auth);
  app.use(router);
  if (config.clientDir) {
    const clientDir = config.clientDir;
    app.use(express.static(clientDir, { index: "index.html", maxAge: "1h" }));
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(clientDir, "index.html")));
  }
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  return {
    app,
    ctx,
    async start() {
      await follower.catchUp();
      follower.start();
      if (chain.relayers.length > 0) await relayer.start();
      else log.warn("no relayer keys: ballots will be accepted but not sent");
    },
    async stop() {
      await relayer.stop();
      await follower.stop();
      chain.provider.destroy();
      db.close();
    },
  };
}

function safeEqual(given: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
