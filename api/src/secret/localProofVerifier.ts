/**
 * The intake's proof check done by the API itself, in a child process, so the chain node's CPU goes to
 * the ballots it mines rather than to checking each proof a second time (an eth_call costs the node
 * about as much as the ballot's own transaction). Claims that arrive while a batch is being checked
 * wait and go together in the next one, so the batch grows with the load and each proof's share of the
 * pairing work falls. The checker refuses exactly what the chain's verifier refuses (curve, field and
 * G2 subgroup checks included). The checker starts with the first claim; while it is starting, or if
 * it dies, claims go to the node (`fallback`) and the checker is started again.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import type { Logger } from "pino";
import type { MembershipClaim } from "../../../contracts/protocol/node/membershipCheck";
import type { Metrics } from "../metrics";
import type { CheckAnswer, CheckRequest } from "./proofCheckProcess";
import type { MembershipVerifier } from "./proofVerifier";

interface Waiting {
  claim: MembershipClaim;
  resolve: (valid: boolean) => void;
  reject: (err: unknown) => void;
}

/** Most claims in one batch: past this the pairing share per proof hardly falls, and answers wait longer. */
const BATCH = 64;
/** A checker that died is started again after this long, not in a tight loop. */
const RESTART_MS = 1_000;
/** A batch takes well under a second; a checker silent this long is stuck, and is replaced. */
const BATCH_TIMEOUT_MS = 15_000;

export class LocalProofVerifier implements MembershipVerifier {
  private child: ChildProcess | null = null;
  private ready = false;
  private queue: Waiting[] = [];
  private inFlight: { id: number; batch: Waiting[]; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly fallback: MembershipVerifier,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly batchTimeoutMs = BATCH_TIMEOUT_MS,
  ) {}

  verify(claim: MembershipClaim): Promise<boolean> {
    // Started with the first secret ballot: an API that never sees one never pays for the checker.
    if (!this.child && !this.restartTimer && !this.stopped) this.start();
    if (!this.ready || this.stopped) return this.fallback.verify(claim);
    return new Promise((resolve, reject) => {
      this.queue.push({ claim, resolve, reject });
      this.pump();
    });
  }

  /** The checker's process id while it runs (for operators and fault tests). */
  get checkerPid(): number | null {
    return this.child?.pid ?? null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = null;
    this.ready = false;
    this.handBack();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill();
      await exited;
    }
  }

  private start(): void {
    const entry = path.join(__dirname, `proofCheckProcess${path.extname(__filename)}`);
    // The API may run from TypeScript sources: the checker then needs the same loader.
    const execArgv = entry.endsWith(".ts") ? ["-r", "ts-node/register/transpile-only"] : [];
    const child = fork(entry, [], {
      execArgv,
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child = child;
    child.on("message", (answer: CheckAnswer) => this.answered(answer));
    child.on("error", (err) => this.log.warn({ err }, "proof checker process error"));
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.ready = false;
      this.handBack();
      if (this.stopped) return;
      this.log.warn({ code, signal }, "proof checker exited; checking proofs on the node until it is back");
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.start();
      }, RESTART_MS);
      this.restartTimer.unref();
    });
  }

  private answered(answer: CheckAnswer): void {
    if ("ready" in answer) {
      this.ready = true;
      this.metrics.proofCheckerReady.set(1);
      this.log.info("proof checker ready");
      return this.pump();
    }
    const flight = this.inFlight;
    if (!flight || flight.id !== answer.id) return;
    clearTimeout(flight.timer);
    this.inFlight = null;
    if ("error" in answer) {
      // The checker could not tell: let the node decide each of these.
      this.log.warn({ error: answer.error }, "proof checker failed a batch");
      for (const w of flight.batch) this.fallback.verify(w.claim).then(w.resolve, w.reject);
    } else {
      flight.batch.forEach((w, i) => w.resolve(answer.valid[i] === true));
      this.metrics.proofChecks.inc({ by: "api" }, flight.batch.length);
      this.metrics.proofBatches.inc({ by: "api" });
    }
    this.pump();
  }

  private pump(): void {
    const child = this.child;
    if (!child || !this.ready || this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, BATCH);
    const id = this.nextId++;
    // Killed, it exits, and its claims go to the node (handBack) while a new checker starts.
    const timer = setTimeout(() => {
      this.log.warn({ claims: batch.length }, "proof checker did not answer; replacing it");
      child.kill("SIGKILL");
    }, this.batchTimeoutMs);
    timer.unref();
    this.inFlight = { id, batch, timer };
    const request: CheckRequest = { id, claims: batch.map((w) => w.claim) };
    child.send(request, (err) => {
      if (err && this.inFlight?.id === id) {
        clearTimeout(timer);
        this.inFlight = null;
        for (const w of batch) this.fallback.verify(w.claim).then(w.resolve, w.reject);
      }
    });
  }

  /** Claims waiting on a checker that is gone are checked on the node instead. */
  private handBack(): void {
    this.metrics.proofCheckerReady.set(0);
    const waiting = [...(this.inFlight?.batch ?? []), ...this.queue];
    if (this.inFlight) clearTimeout(this.inFlight.timer);
    this.inFlight = null;
    this.queue = [];
    for (const w of waiting) this.fallback.verify(w.claim).then(w.resolve, w.reject);
  }
}
