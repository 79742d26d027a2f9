/** Prometheus metrics for /metrics: ballots through the outbox and their latencies. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  readonly ballotsAccepted = new Counter({
    name: "veche_ballots_accepted_total",
    help: "Ballots accepted into the outbox",
    registers: [this.registry],
  });
  readonly ballotsRejected = new Counter({
    name: "veche_ballots_rejected_total",
    help: "Ballots refused at intake, by error code",
    labelNames: ["code"],
    registers: [this.registry],
  });
  readonly ballotsSent = new Counter({
    name: "veche_ballots_sent_total",
    help: "Ballot transactions broadcast (re-sends included)",
    registers: [this.registry],
  });
  readonly ballotsMined = new Counter({
    name: "veche_ballots_mined_total",
    help: "Ballots seen counted on-chain",
    registers: [this.registry],
  });
  readonly ballotsFailed = new Counter({
    name: "veche_ballots_failed_total",
    help: "Ballots the contract refused after acceptance, by reason",
    labelNames: ["code"],
    registers: [this.registry],
  });
  readonly outboxDepth = new Gauge({
    name: "veche_outbox_depth",
    help: "Ballots accepted or sent, not yet mined",
    labelNames: ["status"],
    registers: [this.registry],
  });
  readonly acceptToMined = new Histogram({
    name: "veche_ballot_accept_to_mined_seconds",
    help: "Time from acceptance to the ballot's event being indexed",
    buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30],
    registers: [this.registry],
  });
  readonly indexedBlock = new Gauge({
    name: "veche_indexed_block",
    help: "Last block the indexer stored",
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "veche_http_request_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly secretIntakeSeconds = new Counter({
    name: "veche_secret_intake_seconds_total",
    help: "Wall time secret ballot intake spent per phase (checks, proof, store), summed over requests",
    labelNames: ["phase"],
    registers: [this.registry],
  });
  readonly proofChecks = new Counter({
    name: "veche_proof_checks_total",
    help: "Membership proofs checked before the 202, by who checked them: the API's checker or the node",
    labelNames: ["by"],
    registers: [this.registry],
  });
  readonly proofCheckerReady = new Gauge({
    name: "veche_proof_checker_ready",
    help: "Whether the API's own proof checker is running and takes the intake's checks (1) or not (0)",
    registers: [this.registry],
  });
  readonly proofBatches = new Counter({
    name: "veche_proof_batches_total",
    help: "Batches the proof checks went in (checker batches, or JSON-RPC batches of eth_call)",
    labelNames: ["by"],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "veche_" });
  }
}
