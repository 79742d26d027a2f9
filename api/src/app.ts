/**
 * Builds the API: store, chain connection, indexer, outbox relayer and the HTTP routes of every
 * feature. `createApp` wires; `start` migrates the store, catches up with the index and reconciles the
 * outbox before anything is served; `stop` lets in-flight work finish and hands its leases on.
 */
import type express from "express";
import pino from "pino";
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
import { ProcessReservationStore, SqlReservationStore } from "./ballots/reservations";
import { Relayer, defaultRelayerOptions } from "./ballots/relayer";
import { BallotService } from "./ballots/service";
import { MinedNotifier } from "./ballots/notifier";
import { minedBallotsListener } from "./ballots/minedBallots";
import { ballotRoutes } from "./ballots/routes";
import { PollService } from "./polls/service";
import { pollRoutes } from "./polls/routes";
import { EligibilityCounter } from "./polls/eligibility";
import { AreaResults } from "./polls/areas";
import { CensusService } from "./census/service";
import { censusRoutes } from "./census/routes";
import { LocalProofVerifier } from "./secret/localProofVerifier";
import { ProofVerifier } from "./secret/proofVerifier";
import { SqlNullifierReservations } from "./secret/reservations";
import { SecretBallotService } from "./secret/service";
import { secretBallotRoutes } from "./secret/routes";
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
import { keyMigrations } from "./keys/schema";
import { SqlVoterKeyStore } from "./keys/store";
import { VoterKeyService } from "./keys/service";
import { SerialSender } from "./keys/transactions";
import { keyRoutes } from "./keys/routes";
import { identityMigrations } from "./identity/schema";
import { SqlIdentityStore } from "./identity/store";
import { IdentityService } from "./identity/service";
import { identityRoutes } from "./identity/routes";
import { PointsService } from "./points/service";
import { pointsRoutes } from "./points/routes";
import { PointsHistory } from "./points/history";
import { myPollRoutes } from "./polls/myPolls";
import { Metrics } from "./metrics";
import { limitMigrations } from "./limits/schema";
import { SqlCounterStore } from "./limits/store";
import { ActionLimiter } from "./limits/limiter";
import type { Authenticators, RouteSpec } from "./http/route";
import { docsRoute } from "./http/docsRoute";
import { expressApp, safeEqual } from "./http/expressApp";

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
  // An open ballot counts in its voter key's district, a secret one in its census area.
  const trees = new PollTrees(follower.store, (b) => b.area ?? state.districtOf(b.voter));
  follower.addListener(trees);
  follower.addListener(minedBallotsListener({ outbox, relayer, notifier, metrics, log }));

  // Only this process opens a SQLite file: its reservations can live in memory.
  const reservations = sql.engine === "sqlite" ? new ProcessReservationStore(sql) : new SqlReservationStore(sql);
  const ballots = new BallotService(chain, state, outbox, reservations, metrics, limiter, () => relayer.notify());

  const keyStore = new SqlVoterKeyStore(sql);
  const residentStore = new SqlResidentStore(sql);
  const residents = new ResidentService(residentStore, config.residentPepper, () => keyStore.residentsWithActiveKey());
  const eligibility = new EligibilityCounter({
    registered: () => residentStore.countsByDistrict(),
    enrolled: () => follower.store.activeVotersByDistrict(),
  });
  follower.addListener(eligibility);
  const censuses = new CensusService(
    state,
    follower.store,
    () => residentStore.buildings(),
    log.child({ part: "census" }),
  );
  follower.addListener(censuses);
  const polls = new PollService(
    chain,
    state,
    trees,
    eligibility,
    new AreaResults(trees, censuses, eligibility),
    censuses,
  );
  const authService = new AuthService(residents, new SqlSessionStore(sql), {
    sessionTtlSeconds: config.sessionTtlSeconds,
    lockoutSeconds: config.lockoutSeconds,
  });
  // One sender for the registrar's wallet, so its nonces are handed out in one place.
  const registrar = chain.registrar ? new SerialSender(chain.registrar) : null;
  const keys = new VoterKeyService(
    chain,
    residents,
    keyStore,
    registrar,
    limiter,
    instance,
    log.child({ part: "keys" }),
    Date.now,
    // A replaced key must stop being accepted at once, not when the indexer catches up.
    (change) => state.noteEnrolment(change),
  );
  const identities = new IdentityService(
    chain,
    residents,
    keys,
    new SqlIdentityStore(sql),
    registrar,
    limiter,
    instance,
    log.child({ part: "identity" }),
  );
  const points = new PointsService(
    chain,
    keys,
    chain.rewards ? new SerialSender(chain.rewards) : null,
    log.child({ part: "points" }),
    () => residents.pepper,
  );

  const nodeProofs = new ProofVerifier(chain, metrics);
  const apiProofs =
    config.proofCheck === "api" ? new LocalProofVerifier(nodeProofs, metrics, log.child({ part: "proofs" })) : null;
  const secretBallots = new SecretBallotService(
    chain,
    state,
    censuses,
    apiProofs ?? nodeProofs,
    outbox,
    ballots,
    new SqlNullifierReservations(sql),
    metrics,
    limiter,
    () => relayer.notify(),
  );

  const specs: RouteSpec[] = [
    ...healthRoutes(ctx),
    ...pollRoutes(polls),
    ...censusRoutes(censuses, keys),
    ...resultRoutes(new ResultsService(chain, state, follower, trees)),
    ...ballotRoutes(ballots, notifier, chain.deployment),
    ...secretBallotRoutes(secretBallots, notifier, chain.deployment),
    ...residentRoutes(residents, new PasswordResets(residents)),
    ...authRoutes(authService),
    ...keyRoutes(residents, keys),
    ...identityRoutes(identities),
    ...myPollRoutes({ polls, residents, keys, outbox, state }),
    ...pointsRoutes(points, new PointsHistory(follower.store, state, () => residents.pepper)),
  ];
  specs.push(docsRoute(specs, "0.1.0"));

  const auth: Authenticators = {
    resident: (token) => authService.session(token),
    staff: (token) => safeEqual(token, config.staffToken),
  };

  const app = expressApp(config, log, specs, auth, counters);

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
        ...identityMigrations,
        ...limitMigrations,
        ...clusterMigrations,
      ]);
      await follower.catchUp();
      follower.start();
      identities.start();
      if (chain.relayers.length > 0) await relayer.start();
      else log.warn("no relayer keys: ballots will be accepted but not sent");
    },
    async stop() {
      notifier.releaseAll();
      await apiProofs?.stop();
      await relayer.stop();
      await identities.stop();
      await follower.stop();
      await instance.stop().catch(() => undefined);
      chain.provider.destroy();
      chain.rpc.close();
      await sql.close();
    },
  };
}
