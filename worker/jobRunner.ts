import { randomInt, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pLimit from 'p-limit';
import type { Sql } from '../shared/db/createSql.js';
import type { Logger } from '../shared/logger.js';
import { type BackoffOptions, backoffDelay } from '../shared/queue/backoff.js';
import { type JobHandler, PermanentJobError, SnoozeJob, UnknownJobTypeError, toError } from '../shared/queue/jobHandler.js';
import type { ClaimedJob } from '../shared/queue/claimedJob.js';
import { claimJobs } from '../shared/queue/claimJobs.js';
import { JobPriority } from '../shared/queue/priority.js';
import { type CompletionMetrics, completeJobs } from '../shared/queue/completeJobs.js';
import { type FailOutcome, failJob } from '../shared/queue/failJob.js';
import { releaseJobs } from '../shared/queue/releaseJobs.js';
import { renewLeases } from '../shared/queue/renewLeases.js';
import { requeueExpiredLeases } from '../shared/queue/requeueExpiredLeases.js';
import { snoozeJob } from '../shared/queue/snoozeJob.js';
import { failureReason } from '../shared/metrics/failureReason.js';
import { FailureStreak } from './failureStreak.js';
import { JobMetrics } from '../shared/metrics/JobMetrics.js';
import { type MetricCount, MetricTally } from '../shared/metrics/MetricTally.js';
import { Metric } from '../shared/metrics/metricNames.js';

/** Default of {@link JobRunnerOptions.abortGraceMs}. */
const DEFAULT_ABORT_GRACE_MS = 1000;

/**
 * The longest {@link JobRunner.stop} takes with this deadline: the deadline itself (the claim
 * loop and the running jobs share it), then the aborted jobs' grace, then one more grace for the
 * statements that give jobs back and delete finished ones (they run at once when the database
 * answers; a frozen one costs that bound). For the platform's draining time (railway.json).
 */
export function stopBoundMs(deadlineMs: number, abortGraceMs = DEFAULT_ABORT_GRACE_MS): number {
  return deadlineMs + 2 * abortGraceMs;
}

/**
 * How the runner's claims are going, for `/healthz` (worker/createHealthHandler.ts). A claim
 * that keeps failing (a revoked permission, a bad migration, a pooler refusing the statement)
 * or never answers (a frozen connection) leaves the worker alive but doing nothing, and the
 * alert check is itself a job, so only the health check can tell.
 */
export interface ClaimHealth {
  /** False once claims have failed without a success, or one claim has waited, for `claimFailureMs`. */
  healthy: boolean;
  /** `failing`: the last claim failed; `unanswered`: the claim in flight has waited `claimFailureMs` or more. */
  state: 'ok' | 'failing' | 'unanswered';
  /** Claims that failed in a row since the last success. */
  consecutiveFailures: number;
  /** Since the first claim of the failing streak (or the unanswered claim) was sent; 0 when `ok`. */
  failingForMs: number;
  /** When a claim last succeeded; null before the first. */
  lastSuccessAt: Date | null;
  /** The last failure's reason (error name and code, shared/metrics/failureReason.ts), never its message. */
  lastError?: string;
}

/** Options for {@link JobRunner}. */
export interface JobRunnerOptions {
  sql: Sql;
  handlers: readonly JobHandler[];
  log: Logger;
  /** Names this worker in `jobs.locked_by`. Default `<hostname-ish>-<uuid>`. */
  workerId?: string;
  /** Jobs running at once. Default 16. */
  concurrency?: number;
  /**
   * Slots bulk jobs (priority ≥ `JobPriority.bulk`: broadcasts' sends) may never take, so that
   * a person's update always finds one even while every bulk job is stuck (a Telegram outage,
   * a locked send slot). Default a quarter of `concurrency`, rounded up, and never all of it.
   */
  interactiveReserve?: number;
  /**
   * Jobs claimed ahead of free slots and held locally, so that claims come in bigger batches.
   * Default 0. Raises throughput of short jobs (claims of up to `concurrency + prefetch`),
   * at a price: a job claimed later, however urgent, starts after the ones already held, and
   * other replicas cannot take held jobs. Leave it at 0 for interactive work.
   */
  prefetch?: number;
  /** How long a claim holds without renewal. Default 30 000 ms; renewed every third of it. */
  leaseMs?: number;
  /**
   * Poll interval when idle. Default 1000 ms (the MVP plan's). With LISTEN it is only a
   * backstop; without (transaction pooler, embedded database) it alone finds new work.
   */
  pollIntervalMs?: number;
  /** Wake on `NOTIFY jobs`. Default true; needs a direct or session-mode connection. */
  listen?: boolean;
  backoff?: BackoffOptions;
  /**
   * At shutdown, how long jobs aborted at the deadline get to settle. Default 1000 ms. Those
   * that settle are given back at once; the rest are left to their lease, since a handler that
   * ignores the abort may still be calling Telegram.
   */
  abortGraceMs?: number;
  /**
   * Counts not tied to one job (the Telegram sends counted by countTelegramSends.ts), written
   * with the next completion or failure. Default a tally of its own.
   */
  metrics?: MetricTally;
  /** Times a job may snooze ({@link SnoozeJob}) before a snooze counts as a failed attempt. Default 200. */
  maxSnoozes?: number;
  /**
   * How long claims may keep failing without a success (or one claim go unanswered) before
   * {@link JobRunner.claimHealth} says unhealthy and the runner logs it at error level. Default
   * 30 000 ms: a pooler restart or a failover costs a few failed claims and must not fail the
   * health check; half a minute of nothing claimed is an outage.
   */
  claimFailureMs?: number;
}

/**
 * What a {@link JobRunner} tells its observers (tests, the local sandbox's benchmark), so they
 * can wait for what happened instead of sleeping or polling rows.
 */
export interface JobRunnerEvents {
  /** The claim loop is going to sleep: its last claim found no more work, or no slot is free. */
  idle: [];
  /** Finished jobs were deleted (`completeJobs` returned). */
  completed: [jobIds: number[]];
  /** A job's failure was recorded: retried later, dead, or its lease had gone to another worker. */
  failed: [jobId: number, outcome: FailOutcome];
  /** A job snoozed: queued again for later, its attempt not counted. */
  snoozed: [jobId: number];
}

interface Running {
  job: ClaimedJob;
  controller: AbortController;
  done: Promise<void>;
  /** The handler was called (not still waiting for a slot). */
  started: boolean;
  /** Given back at shutdown, or its lease lost, before it started: skip it. */
  released: boolean;
  /** The handler returned or threw. */
  settled: boolean;
  /** Its lease went to another worker: abort it and report nothing, the job is theirs now. */
  lost: boolean;
}

/**
 * Claims jobs from the `jobs` table and runs them with bounded concurrency.
 *
 * Claims and completions are batched: a claim asks for as many jobs as there are free slots
 * (plus `prefetch`), and every job that finished since the last flush is deleted in one
 * statement. Under load
 * this turns thousands of round trips into tens; when idle it adds no delay, because a flush
 * starts as soon as the previous one returns.
 */
export class JobRunner extends EventEmitter<JobRunnerEvents> {
  readonly workerId: string;
  private readonly sql: Sql;
  private readonly log: Logger;
  private readonly handlers: Map<string, JobHandler>;
  private readonly concurrency: number;
  private readonly prefetch: number;
  private readonly interactiveReserve: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly listen: boolean;
  private readonly backoff: BackoffOptions;
  private readonly maxSnoozes: number;
  private readonly abortGraceMs: number;
  private readonly claimFailureMs: number;
  private readonly limit: ReturnType<typeof pLimit>;
  /** Counts not tied to a job, written by the next completion or failure statement. */
  readonly metrics: MetricTally;
  /**
   * This runner's shard of `metric_minutes`: replicas upserting the same minute's rows would wait
   * for each other's commits (measured in migration metric_shards), so each writes its own.
   */
  private readonly metricShard = randomInt(1, 32_768);

  /** Claimed and not yet finished: running, or waiting for a slot (prefetched). */
  private readonly running = new Map<number, Running>();
  /** Finished, waiting for the batched delete; their leases are still renewed. */
  private readonly finished = new Set<number>();
  /** What each finished job recorded, and when (performance.now()) it finished. */
  private readonly finishedMetrics = new Map<number, JobMetrics>();
  private flushing: Promise<void> | null = null;
  /** Ids the flush in progress is deleting (gone from the table before they leave `finished`). */
  private deleting: ReadonlySet<number> = new Set();
  private renewing = false;
  private reaping = false;
  private readonly reapFailures: FailureStreak;
  private readonly flushFailures: FailureStreak;
  private readonly renewFailures: FailureStreak;
  private stopping = false;
  private loopDone: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private wakePending = false;
  private renewTimer: NodeJS.Timeout | null = null;
  private reapTimer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  /** performance.now() when the claim in flight was sent; null between claims. */
  private claimSentAt: number | null = null;
  /** Claims failed in a row; reset by a success. */
  private claimFailures = 0;
  /** performance.now() when the first claim of the failing streak was sent. */
  private claimFailingSince: number | null = null;
  private lastClaimError: string | undefined;
  /** Date.now() of the last successful claim. */
  private lastClaimAt: number | null = null;
  /** The unhealthy state was logged (once per streak). */
  private claimAlarmLogged = false;

  constructor(options: JobRunnerOptions) {
    super();
    this.sql = options.sql;
    this.log = options.log;
    this.flushFailures = new FailureStreak(this.log, { first: 'could not delete finished jobs; retrying', again: 'could not delete finished jobs, again; retrying', recovered: 'finished jobs deleted again' });
    this.reapFailures = new FailureStreak(this.log, { first: 'could not requeue expired leases', again: 'could not requeue expired leases, again', recovered: 'requeueing expired leases works again' });
    this.renewFailures = new FailureStreak(this.log, { first: 'could not renew leases', again: 'could not renew leases, again', recovered: 'renewing leases works again' });
    this.workerId = options.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.handlers = new Map(options.handlers.map((h) => [h.type, h]));
    this.concurrency = options.concurrency ?? 16;
    this.prefetch = options.prefetch ?? 0;
    this.interactiveReserve = Math.min(this.concurrency - 1, options.interactiveReserve ?? Math.ceil(this.concurrency / 4));
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.listen = options.listen ?? true;
    this.backoff = options.backoff ?? {};
    this.maxSnoozes = options.maxSnoozes ?? 200;
    this.abortGraceMs = options.abortGraceMs ?? DEFAULT_ABORT_GRACE_MS;
    this.claimFailureMs = options.claimFailureMs ?? 30_000;
    this.limit = pLimit(this.concurrency);
    this.metrics = options.metrics ?? new MetricTally();
  }

  /** Jobs currently held (running, or finished and not yet deleted). */
  get inFlight(): number {
    return this.running.size + this.finished.size;
  }

  /** The claim loop is asleep until kicked or its poll interval passes (see the `idle` event). */
  get sleeping(): boolean {
    return this.wake !== null;
  }

  /** Starts claiming. Resolves once listening (if enabled) has been set up. */
  async start(): Promise<void> {
    if (this.listen) {
      try {
        const sub = await this.sql.listen('jobs', () => this.kick());
        this.unlisten = sub.unlisten;
      } catch (err) {
        this.log.warn({ err }, 'LISTEN unavailable; relying on polling');
      }
    }
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    // On its own timer, not before each claim: a worker woken by NOTIFY claims at once,
    // instead of first paying a round trip for the reaper (seen in enqueue-to-start latency).
    // The same tick notices a claim that has gone unanswered: nothing else would log it.
    this.reapTimer = setInterval(() => { this.checkClaims(); void this.reap(); }, this.pollIntervalMs);
    this.reapTimer.unref();
    this.loopDone = this.loop();
    this.log.info({ worker_id: this.workerId, concurrency: this.concurrency, listen: this.unlisten !== null }, 'worker started');
  }

  /**
   * Graceful stop: claim nothing more, give prefetched jobs back, give running jobs until
   * `deadlineMs` to finish, then abort the rest and wait `abortGraceMs` for them to settle.
   * Jobs whose handler settled are given back (another worker takes them at once); jobs still
   * running are left to their lease: abort is cooperative and a Telegram call in flight cannot
   * be taken back, so giving them back would let another replica run the job beside this one
   * (Railway overlaps deploys). Their lease expires `leaseMs` after the last renewal, by which
   * time this process has exited.
   *
   * The deadline holds whatever the database does: a claim in flight is waited for only until
   * the deadline (a frozen connection never answers; once it did, `stop()` waited for it
   * forever), and each statement `stop()` sends is waited for at most what is left of the
   * deadline or `abortGraceMs`, whichever is longer. Altogether at most
   * {@link stopBoundMs}. A claim that answers after `stop()` gives its jobs back at once; if
   * it cannot (the pool was closed), they are left to their lease like any job of a worker
   * that stopped. Closing the pool (`sql.end({ timeout })`) is the caller's.
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const deadline = performance.now() + deadlineMs;
    const left = () => Math.max(0, deadline - performance.now());
    // Statements get the abort grace even when the deadline is spent: a release or a delete
    // that answers spares other replicas a lease's wait, and a frozen one costs only this.
    const statementMs = () => Math.max(left(), this.abortGraceMs);
    this.kick();
    if (this.loopDone && !(await settlesWithin(this.loopDone, left()))) {
      const waited = this.claimSentAt === null ? undefined : Math.round(performance.now() - this.claimSentAt);
      this.log.warn({ worker_id: this.workerId, claim_waited_ms: waited }, 'the claim loop did not finish within the shutdown deadline (its claim is unanswered); stopping without it: jobs that claim takes are given back if it answers, else left to their lease');
    }
    const unlistened = this.unlisten ? this.unlisten() : Promise.resolve();
    const waiting = [...this.running.values()].filter((r) => !r.started && !r.released).map((r) => r.job.id);
    for (const id of waiting) this.running.get(id)!.released = true;
    const releasedPrefetched = this.bounded(releaseJobs(this.sql, this.workerId, waiting), statementMs(), { job_ids: waiting }, 'could not release prefetched jobs; their leases will expire');
    let releasedAborted: Promise<unknown> = Promise.resolve();
    if (!(await this.settledWithin([...this.running.values()], left()))) {
      const overdue = [...this.running.values()].filter((r) => r.started && !r.settled && !r.lost);
      for (const r of overdue) r.controller.abort(new Error('worker shutting down'));
      await this.settledWithin(overdue, this.abortGraceMs);
      const settled = overdue.filter((r) => r.settled).map((r) => r.job.id);
      const unsettled = overdue.filter((r) => !r.settled).map((r) => r.job.id);
      this.log.warn({ released: settled, left_to_lease: unsettled }, 'shutdown deadline passed; releasing the aborted jobs that stopped, leaving the rest to their lease');
      releasedAborted = this.bounded(releaseJobs(this.sql, this.workerId, settled), statementMs(), { job_ids: settled }, 'could not release jobs; their leases will expire');
    }
    // Side by side: each is bounded, so a database that does not answer costs one bound, not four.
    await Promise.all([
      releasedPrefetched,
      releasedAborted,
      this.bounded(this.flush(), statementMs(), { job_ids: [...this.finished] }, 'finished jobs not deleted at shutdown; their leases will expire and they run again'),
      this.bounded(unlistened, statementMs(), {}, 'UNLISTEN did not answer; closing the pool ends it'),
    ]);
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.reapTimer) clearInterval(this.reapTimer);
    this.log.info({ worker_id: this.workerId }, 'worker stopped');
  }

  /**
   * Waits for a statement sent while stopping at most `ms`, logging `failure` (with `fields`) if
   * it failed or did not answer in time; one still running is left to closing the pool.
   */
  private async bounded(statement: Promise<unknown>, ms: number, fields: object, failure: string): Promise<void> {
    let error: unknown;
    const settled = statement.then(() => {}, (err: unknown) => { error = err ?? new Error('failed'); });
    if (!(await settlesWithin(settled, ms))) this.log.warn({ ...fields, waited_ms: Math.round(ms) }, `${failure} (no answer in time)`);
    else if (error !== undefined) this.log.error({ ...fields, err: error }, failure);
  }

  /**
   * How the claims are going; see {@link ClaimHealth}. Unhealthy once the current failing
   * streak started `claimFailureMs` ago, or the claim in flight was sent that long ago.
   */
  claimHealth(): ClaimHealth {
    const since = this.claimFailingSince ?? this.claimSentAt;
    const waitedMs = since === null ? 0 : Math.round(performance.now() - since);
    const healthy = waitedMs < this.claimFailureMs;
    const state = this.claimFailures > 0 ? 'failing' : healthy ? 'ok' : 'unanswered';
    return {
      healthy, state, consecutiveFailures: this.claimFailures, failingForMs: state === 'ok' ? 0 : waitedMs,
      lastSuccessAt: this.lastClaimAt === null ? null : new Date(this.lastClaimAt), lastError: this.lastClaimError,
    };
  }

  /** Resolves true when every entry's `done` settled within `ms`, false otherwise. */
  private settledWithin(entries: readonly Running[], ms: number): Promise<boolean> {
    return settlesWithin(Promise.all(entries.map((r) => r.done)), ms);
  }

  /** Wakes the claim loop (new work may be available). */
  kick(): void {
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake();
    } else {
      this.wakePending = true;
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const free = this.concurrency + this.prefetch - this.running.size;
      let claimed = 0;
      if (free > 0) {
        const sentAt = performance.now();
        this.claimSentAt = sentAt;
        try {
          let bulkHeld = 0;
          for (const { job } of this.running.values()) if (job.priority >= JobPriority.bulk) bulkHeld++;
          const bulkFree = Math.max(0, this.concurrency + this.prefetch - this.interactiveReserve - bulkHeld);
          const jobs = await claimJobs(this.sql, this.workerId, free, this.leaseMs, bulkFree);
          this.claimSentAt = null;
          if (this.stopping) {
            // Answered after stop() began (or gave up on it): nothing more may start here.
            await this.giveBackLateClaim(jobs);
            break;
          }
          this.claimSucceeded();
          claimed = jobs.length;
          for (const job of jobs) this.run(job);
        } catch (err) {
          this.claimSentAt = null;
          if (this.stopping) {
            this.log.warn({ err }, 'the claim in flight at shutdown failed; if the database ran it anyway, its jobs are left to their lease');
            break;
          }
          this.claimFailed(toError(err), sentAt);
        }
        // A full batch suggests more is waiting: claim again without sleeping.
        if (claimed > 0 && claimed === free) continue;
      }
      await this.idle(free > 0 ? this.pollIntervalMs : undefined);
    }
  }

  /** Jobs a claim took while the runner was stopping go back at once, their attempt not counted. */
  private async giveBackLateClaim(jobs: readonly ClaimedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const ids = jobs.map((j) => j.id);
    try {
      await releaseJobs(this.sql, this.workerId, ids);
      this.log.info({ job_ids: ids }, 'a claim answered while stopping; its jobs were given back');
    } catch (err) {
      this.log.warn({ err, job_ids: ids }, 'a claim answered while stopping and its jobs could not be given back; they are left to their lease');
    }
  }

  /**
   * A failed claim. The first of a streak is logged with its error; the next ones one short line
   * each, with the count (a claim fails every poll interval: a stack trace a second would bury
   * everything else). Counted as `claim_error` for docs/METRICS.md.
   */
  private claimFailed(err: Error, sentAt: number): void {
    this.claimFailures++;
    this.claimFailingSince ??= sentAt;
    const reason = failureReason(err);
    this.lastClaimError = reason;
    this.metrics.add(Metric.claimError, reason);
    if (this.claimFailures === 1) {
      this.log.error({ err, reason }, 'claiming jobs failed; retrying every poll interval (one line per failure until a claim succeeds)');
    } else {
      this.log.warn({ consecutive_failures: this.claimFailures, failing_for_ms: Math.round(performance.now() - this.claimFailingSince), reason, error: err.message },
        'claiming jobs failed again');
    }
    this.checkClaims();
  }

  private claimSucceeded(): void {
    this.lastClaimAt = Date.now();
    if (this.claimFailures > 0 || this.claimAlarmLogged) {
      const since = this.claimFailingSince;
      this.log.info({ failures: this.claimFailures, failed_for_ms: since === null ? undefined : Math.round(performance.now() - since) }, 'claims recovered: a claim succeeded');
    }
    this.claimFailures = 0;
    this.claimFailingSince = null;
    this.lastClaimError = undefined;
    this.claimAlarmLogged = false;
  }

  /** Logs, once per streak, that claims crossed `claimFailureMs`: from now on /healthz answers 503. */
  private checkClaims(): void {
    if (this.claimAlarmLogged || this.stopping) return;
    const health = this.claimHealth();
    if (health.healthy) return;
    this.claimAlarmLogged = true;
    const fields = { consecutive_failures: health.consecutiveFailures, failing_for_ms: health.failingForMs, reason: health.lastError, limit_ms: this.claimFailureMs };
    if (health.state === 'unanswered') this.log.error(fields, 'a claim has gone unanswered past the limit: the worker runs nothing; /healthz answers 503 until it returns');
    else this.log.error(fields, 'claims keep failing past the limit: the worker runs nothing; /healthz answers 503 until one succeeds');
  }

  /** Sleeps until kicked, or until `timeoutMs` passes when given. */
  private idle(timeoutMs?: number): Promise<void> {
    if (this.wakePending || this.stopping) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => { this.wake = null; resolve(); }, timeoutMs);
      this.wake = () => { clearTimeout(timer); resolve(); };
      this.emit('idle'); // after `wake` is set, so a listener that kicks is not lost
    });
  }

  private run(job: ClaimedJob): void {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve(), started: false, released: false, settled: false, lost: false };
    this.running.set(job.id, entry);
    entry.done = this.limit(() => {
      if (entry.released) return Promise.resolve();
      entry.started = true;
      return this.execute(entry);
    }).finally(() => {
      this.running.delete(job.id);
      this.kick();
    });
  }

  private async execute(entry: Running): Promise<void> {
    const { job, controller: { signal } } = entry;
    // Log fields as a plain object, and a child logger only if the handler asks for one:
    // pino's child() costs ~17 µs (its redaction runs over the bindings), which at
    // 20,000 jobs/s was a tenth of the worker's CPU.
    const fields: Record<string, unknown> = { job_id: job.id, type: job.type, attempt: job.attempts };
    let childLog: Logger | undefined;
    const rootLog = this.log;
    const started = performance.now();
    const metrics = new JobMetrics();
    try {
      const handler = this.handlers.get(job.type);
      if (!handler) throw new UnknownJobTypeError(job.type);
      const bound = handler.bind(job.payload);
      if (bound.logFields) Object.assign(fields, bound.logFields);
      const ctx = {
        job, sql: this.sql, signal, metrics,
        get log() { return (childLog ??= rootLog.child(fields)); },
      };
      await bound.run(ctx);
      entry.settled = true;
      if (entry.lost) return void rootLog.warn(fields, 'job finished after its lease was lost to another worker; not reported');
      if (signal.aborted) return; // aborted at shutdown: stop() gives it back
      this.finished.add(job.id);
      this.finishedMetrics.set(job.id, metrics);
      if (rootLog.isLevelEnabled('info')) rootLog.info({ ...fields, duration_ms: Math.round(performance.now() - started) }, 'job done');
      void this.flush();
    } catch (thrown) {
      entry.settled = true;
      if (entry.lost) return void rootLog.warn({ ...fields, err: toError(thrown) }, 'job stopped after its lease was lost to another worker; not reported');
      if (signal.aborted) return;
      const err = toError(thrown);
      if (err instanceof SnoozeJob && await this.snooze(job, err, fields)) return;
      const permanent = err instanceof PermanentJobError;
      const delay = backoffDelay(job.attempts, this.backoff);
      const text = `${err.name}: ${err.message}${err.cause ? ` (cause: ${String(toError(err.cause).message)})` : ''}`;
      const counts = this.metrics.drain();
      try {
        const outcome = await failJob(this.sql, this.workerId, job.id, text.slice(0, 4000), delay, permanent, { reason: failureReason(err), counts, shard: this.metricShard });
        const duration_ms = Math.round(performance.now() - started);
        this.emit('failed', job.id, outcome);
        if (outcome === 'failed') rootLog.error({ ...fields, err, duration_ms }, 'job failed for good; kept for inspection and replay');
        else if (outcome === 'retry') rootLog.warn({ ...fields, err, duration_ms, retry_in_ms: delay }, 'job failed; will retry');
        else rootLog.warn({ ...fields, err }, 'job failed after its lease was lost to another worker');
      } catch (dbErr) {
        this.metrics.restore(counts);
        rootLog.error({ ...fields, err: dbErr, job_error: err }, 'could not record job failure; the lease will expire and the job retry');
      }
    }
  }

  /**
   * Queues a snoozing job again for later. False when that did not happen (snoozed too often,
   * its lease lost, or the database refused): the caller records a failed attempt, which also
   * tells a lost lease apart.
   */
  private async snooze(job: ClaimedJob, snooze: SnoozeJob, fields: Record<string, unknown>): Promise<boolean> {
    try {
      if (!(await snoozeJob(this.sql, this.workerId, job.id, snooze.delayMs, this.maxSnoozes))) return false;
    } catch (dbErr) {
      this.log.warn({ ...fields, err: dbErr }, 'could not snooze the job; recording a failed attempt instead');
      return false;
    }
    if (this.log.isLevelEnabled('debug')) this.log.debug({ ...fields, delay_ms: snooze.delayMs, reason: snooze.message }, 'job snoozed');
    this.emit('snoozed', job.id);
    return true;
  }

  /** Deletes finished jobs in one statement, then wakes the loop: a key may be free now. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.finished.size === 0) return Promise.resolve();
    this.flushing = (async () => {
      while (this.finished.size > 0) {
        const ids = [...this.finished];
        this.deleting = new Set(ids);
        const loose = this.metrics.drain();
        try {
          await completeJobs(this.sql, this.workerId, ids, this.completionMetrics(ids, loose));
          for (const id of ids) { this.finished.delete(id); this.finishedMetrics.delete(id); }
          this.flushFailures.succeeded();
          // For a worker watched from outside its process (crash and multi-replica tests).
          if (this.log.isLevelEnabled('debug')) this.log.debug({ job_ids: ids }, 'finished jobs deleted');
          this.emit('completed', ids);
        } catch (err) {
          this.metrics.restore(loose);
          this.flushFailures.failed(err, { job_ids: ids }); // retried every 200 ms
          // At shutdown, give up: the leases expire and the jobs run again (at least once).
          if (this.stopping) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        this.kick();
      }
    })().finally(() => {
      this.flushing = null;
      this.deleting = new Set();
      // A job may have finished between the loop's last check and this callback.
      if (this.finished.size > 0 && !this.stopping) void this.flush();
    });
    return this.flushing;
  }

  /** The rows {@link completeJobs} writes for `ids`: each job's counts and reply, plus `loose`. */
  private completionMetrics(ids: readonly number[], loose: readonly MetricCount[]): CompletionMetrics {
    const now = performance.now();
    const counts: (MetricCount & { jobId?: number })[] = [...loose];
    const replies: { jobId: number; agoMs: number }[] = [];
    for (const id of ids) {
      const m = this.finishedMetrics.get(id);
      if (!m) continue;
      for (const c of m.entries()) counts.push({ ...c, jobId: id });
      if (m.firstReplyAt !== undefined) replies.push({ jobId: id, agoMs: now - m.firstReplyAt });
    }
    return { counts, replies, shard: this.metricShard };
  }

  /**
   * Queues again the jobs of workers that died; wakes the loop if there were any. Completions
   * go first, and the jobs this worker holds are excluded: after an outage longer than the
   * lease, its own finished-but-undeleted jobs have expired leases too, and requeueing them
   * would run them again. A tick that finds the previous pass still running is skipped.
   */
  private async reap(): Promise<void> {
    if (this.stopping || this.reaping) return;
    this.reaping = true;
    try {
      if (this.finished.size > 0) await this.flush();
      if (this.stopping) return;
      const held = [...this.running.keys(), ...this.finished];
      const requeued = await requeueExpiredLeases(this.sql, { workerId: this.workerId, ids: held });
      this.reapFailures.succeeded();
      if (requeued.length > 0) {
        this.log.warn({ job_ids: requeued }, 'requeued jobs whose worker stopped');
        this.kick();
      }
    } catch (err) {
      this.reapFailures.failed(err); // every poll interval, like the claim
    } finally {
      this.reaping = false;
    }
  }

  /**
   * Renews the leases of every job held, running or finished. A tick that finds the previous
   * renewal still running is skipped: a slow database must not pile up renewals. A job whose
   * lease was not renewed belongs to another worker now: a running one is aborted and nothing
   * it does is reported (no completion, no failure), a finished one is no longer deleted.
   */
  private async renew(): Promise<void> {
    if (this.renewing) return;
    const ids = [...this.running.keys(), ...this.finished];
    if (ids.length === 0) return;
    this.renewing = true;
    try {
      const renewed = new Set(await renewLeases(this.sql, this.workerId, ids, this.leaseMs));
      const lost = ids.filter((id) => !renewed.has(id) && !this.deleting.has(id));
      for (const id of lost) this.loseLease(id);
      this.renewFailures.succeeded();
    } catch (err) {
      this.renewFailures.failed(err); // every third of the lease
    } finally {
      this.renewing = false;
    }
  }

  private loseLease(id: number): void {
    if (this.finished.delete(id)) {
      this.finishedMetrics.delete(id);
      this.log.warn({ job_id: id }, 'lease lost after the job finished: another worker took it back and may run it again');
      return;
    }
    const entry = this.running.get(id);
    // Settled: its completion or failure is being recorded, which is why the row changed.
    if (!entry || entry.settled || entry.lost) return;
    entry.lost = true;
    if (!entry.started) entry.released = true;
    this.log.warn({ job_id: id, type: entry.job.type }, 'lease lost to another worker; aborting the job and reporting nothing');
    entry.controller.abort(new Error('lease lost to another worker'));
  }
}

/** Resolves true when `promise` settles (either way) within `ms`, false otherwise. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(() => true, () => true),
    new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); }),
  ]);
  clearTimeout(timer);
  return settled;
}
