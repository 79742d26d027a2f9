/**
 * Builds the API: store, chain connection, indexer, outbox relayer and the HTTP routes of every
 * feature. `createApp` wires; `start` migrates the store, catches up with the index and reconciles the
 * outbox before anything is served; `stop` lets in-flight work finish and hands its leases on.
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
import { openSql } from "./store/open";
import { migrate } from "./store/migrate";
import { Instance } from "./cluster/instance";
import { SqlLeaseStore } from "./cluster/leases";
import { clusterMigrations } from "./cluster/schema";
import { SqlIndexerStore } from "./indexer/sqlStore";
import { indexerMigrations } from "./indexer/schema";
import { ChainFollower } from "./indexer/follower";
import { ChainState } from "./indexer/chainState";
import { PollTrees } from "./indexer/pollTrees";
import { ResultsService } from "./results/service";
import { resultRoutes } from "./results/routes";
import { ballotMigrations } from "./ballots/schema";
import { SqlOutboxStore } from "./ballots/sqlStore";
import { SqlReservationStore } from "./ballots/reservations";
import { Relayer, defaultRelayerOptions } from "./ballots/relayer";
import { BallotService } from "./ballots/service";
import { MinedNotifier } from "./ballots/notifier";
import { ballotRoutes } from "./ballots/routes";
import { PollService } from "./polls/service";
import { pollRoutes } from "./polls/routes";
import { EligibilityCounter } from "./polls/eligibility";
import { healthRoutes } from "./health/routes";
import { residentMigrations } from "./residents/schema";
import { SqlResidentStore } from "./residents/store";
import { ResidentService } from "./residents/service";
import { residentRoutes } from "./residents/routes";
import { PasswordResets } from "./residents/passwordReset";
import { authMigrations } from "./auth/schema";
import { SqlSessionStore } from "./auth/store";
import { AuthService } from "./auth/service";
import { authRoutes } from "./auth/routes";
import { signInRateLimit } from "./auth/rateLimit";
import { keyMigrations } from "./keys/schema";
import { SqlVoterKeyStore } from "./keys/store";
import { VoterKeyService } from "./keys/service";
import { SerialSender } from "./keys/transactions";
import { keyRoutes } from "./keys/routes";
import { PointsService } from "./points/service";
import { pointsRoutes } from "./points/routes";
import { PointsHistory } from "./points/history";
import { myPollRoutes } from "./polls/myPolls";
import { Metrics } from "./metrics";
import { limitMigrations } from "./limits/schema";
import { SqlCounterStore } from "./limits/store";
import { ActionLimiter } from "./limits/limiter";
import { mountRoutes, route } from "./http/route";
import type { Authenticators, RouteSpec } from "./http/route";
import { openApiDocument } from "./http/openapi";
import { docsPage } from "./http/docsPage";
import { errorHandler, notFoundHandler } from "./http/errorHandler";

export interface VecheApp {
  app: express.Express;
  ctx: AppContext;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createApp(config: Config, options: { logger?: Logger } = {}): VecheApp {
  const log = options.logger ?? pino({ level: config.logLevel });
  const sql = openSql(config);
  const instance = new Instance(new SqlLeaseStore(sql), {
    leaseTtlMs: config.leaseTtlMs,
    exclusive: sql.engine === "sqlite",
  });
  const counters = new SqlCounterStore(sql);
  const limiter = new ActionLimiter(counters, config.limits);

  const metrics = new Metrics();
  const chain = connectChain(config);
  const follower = new ChainFollower(sql, new SqlIndexerStore(sql), chain, instance, log.child({ part: "indexer" }));
  const state = new ChainState(follower.store, chain);
  const outbox = new SqlOutboxStore(sql);
  const pollShape = async (pollId: number) => {
    const poll = await state.poll(pollId);
    return poll ? { questions: poll.questions, revote: poll.revote } : null;
  };
  const relayer = new Relayer(chain, outbox, pollShape, log.child({ part: "relayer" }), metrics, instance, {
    ...defaultRelayerOptions,
    maxInFlight: config.relayerMaxInFlight,
    priorityFee: config.relayerPriorityFee,
    maxGasPrice: config.relayerMaxGasPrice,
  });
  const ctx: AppContext = { config, log, sql, instance, chain, follower, state, outbox, relayer, metrics };

  const notifier = new MinedNotifier();
  follower.addListener(state);
  const trees = new PollTrees(follower.store);
  follower.addListener(trees);
  follower.addListener({
    // The instance that writes the index marks every instance's ballots mined, in the same transaction.
    inTransaction: async (tx, batch) => {
      const ballots = batch.events.filter((e) => e.kind === "ballot");
      if (ballots.length === 0) return;
      const now = Date.now();
      const marked = await outbox.markMined(tx, ballots, now);
      for (const m of marked) {
        relayer.settled(m.relayer);
        metrics.acceptToMined.observe((now - m.acceptedAt) / 1000);
      }
      metrics.ballotsMined.inc(marked.length);
    },
    inRollback: async (tx, block) => {
      const requeued = await outbox.unmineAfter(tx, block);
      if (requeued > 0) log.warn({ requeued, block }, "re-sending ballots whose blocks the chain lost");
    },
    afterCommit: (batch) => notifier.mined(batch.events.flatMap((e) => (e.kind === "ballot" ? [e.leaf] : []))),
    afterRollback: () => relayer.notify(),
  });

  const ballots = new BallotService(chain, state, outbox, new SqlReservationStore(sql), metrics, limiter, () =>
    relayer.notify(),
  );

  const keyStore = new SqlVoterKeyStore(sql);
  const residentStore = new SqlResidentStore(sql);
  const residents = new ResidentService(residentStore, config.residentPepper, () => keyStore.residentsWithActiveKey());
  const eligibility = new EligibilityCounter({
    registered: () => residentStore.countsByDistrict(),
    enrolled: () => follower.store.activeVotersByDistrict(),
  });
  follower.addListener(eligibility);
  const polls = new PollService(chain, state, trees, eligibility);
  const authService = new AuthService(residents, new SqlSessionStore(sql), {
    sessionTtlSeconds: config.sessionTtlSeconds,
    lockoutSeconds: config.lockoutSeconds,
  });
  const keys = new VoterKeyService(
    chain,
    residents,
    keyStore,
    chain.registrar ? new SerialSender(chain.registrar) : null,
    limiter,
    instance,
    log.child({ part: "keys" }),
    Date.now,
    // A replaced key must stop being accepted at once, not when the indexer catches up.
    (change) => state.noteEnrolment(change),
  );
  const points = new PointsService(
    chain,
    keys,
    chain.rewards ? new SerialSender(chain.rewards) : null,
    log.child({ part: "points" }),
    () => residents.pepper,
  );

  const specs: RouteSpec[] = [
    ...healthRoutes(ctx),
    ...pollRoutes(polls),
    ...resultRoutes(new ResultsService(chain, state, follower, trees)),
    ...ballotRoutes(ballots, notifier),
    ...residentRoutes(residents, new PasswordResets(residents)),
    ...authRoutes(authService),
    ...keyRoutes(residents, keys),
    ...myPollRoutes({ polls, residents, keys, outbox, state }),
    ...pointsRoutes(points, new PointsHistory(follower.store, state, () => residents.pepper)),
  ];
  const docs = openApiDocument(specs, "0.1.0");
  const docsHtml = docsPage(specs, "0.1.0");
  specs.push(
    route({
      method: "get",
      path: "/api/docs",
      tag: "operations",
      summary: "This OpenAPI document (a readable page for browsers)",
      access: "public",
      handler: ({ req, res }) => {
        if (req.accepts(["application/json", "text/html"]) === "text/html") res.type("html").send(docsHtml);
        return { body: docs };
      },
    }),
  );

  const auth: Authenticators = {
    resident: (token) => authService.session(token),
    staff: (token) => safeEqual(token, config.staffToken),
  };

  const app = express();
  app.disable("x-powered-by");
  // ETags hash every JSON answer; nothing here is cached by clients, so they only cost time.
  app.set("etag", false);
  app.set("trust proxy", config.trustProxy);
  app.use(
    pinoHttp({
      logger: log.child({ part: "http" }),
      // Method, path and id only: headers carry session and staff bearer tokens.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split("?")[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      // A line per request only where info lines are kept at all: the hook costs time per ballot.
      autoLogging: log.isLevelEnabled("info")
        ? { ignore: (req) => req.url === "/healthz" || req.url === "/metrics" }
        : false,
    }),
  );
  // The web client reads the chain's JSON-RPC itself (recounts, receipt checks): allow that origin.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          "connect-src": ["'self'", new URL(config.publicRpcUrl).origin],
          // Reward pictures may be linked from the city's own sites.
          "img-src": ["'self'", "data:", "https:"],
        },
      },
    }),
  );
  app.use("/api/auth", signInRateLimit(counters, config.authRateLimitPerMinute));
  // A register import of 5000 rows needs more than 32 kB; only staff get the larger limit.
  const importJson = express.json({ limit: "4mb", strict: true });
  app.use("/api/admin/residents", (req, res, next) => {
    const token = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1];
    if (token && safeEqual(token, config.staffToken)) importJson(req, res, next);
    else next();
  });
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
      await migrate(sql, [
        ...indexerMigrations,
        ...ballotMigrations,
        ...residentMigrations,
        ...authMigrations,
        ...keyMigrations,
        ...limitMigrations,
        ...clusterMigrations,
      ]);
      await follower.catchUp();
      follower.start();
      if (chain.relayers.length > 0) await relayer.start();
      else log.warn("no relayer keys: ballots will be accepted but not sent");
    },
    async stop() {
      notifier.releaseAll();
      await relayer.stop();
      await follower.stop();
      await instance.stop().catch(() => undefined);
      chain.provider.destroy();
      chain.rpc.close();
      await sql.close();
    },
  };
}

function safeEqual(given: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
