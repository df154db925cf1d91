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
import { JobMetrics } from '../shared/metrics/JobMetrics.js';
import { type MetricCount, MetricTally } from '../shared/metrics/MetricTally.js';

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
  private stopping = false;
  private loopDone: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private wakePending = false;
  private renewTimer: NodeJS.Timeout | null = null;
  private reapTimer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(options: JobRunnerOptions) {
    super();
    this.sql = options.sql;
    this.log = options.log;
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
    this.abortGraceMs = options.abortGraceMs ?? 1000;
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
    this.reapTimer = setInterval(() => void this.reap(), this.pollIntervalMs);
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
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.kick();
    await this.loopDone;
    if (this.unlisten) await this.unlisten().catch(() => {});
    const waiting = [...this.running.values()].filter((r) => !r.started && !r.released);
    for (const r of waiting) r.released = true;
    await releaseJobs(this.sql, this.workerId, waiting.map((r) => r.job.id))
      .catch((err) => this.log.error({ err }, 'could not release prefetched jobs; their leases will expire'));
    if (!(await this.settledWithin([...this.running.values()], deadlineMs))) {
      const overdue = [...this.running.values()].filter((r) => r.started && !r.settled && !r.lost);
      for (const r of overdue) r.controller.abort(new Error('worker shutting down'));
      await this.settledWithin(overdue, this.abortGraceMs);
      const settled = overdue.filter((r) => r.settled).map((r) => r.job.id);
      const unsettled = overdue.filter((r) => !r.settled).map((r) => r.job.id);
      this.log.warn({ released: settled, left_to_lease: unsettled }, 'shutdown deadline passed; releasing the aborted jobs that stopped, leaving the rest to their lease');
      await releaseJobs(this.sql, this.workerId, settled).catch((err) => this.log.error({ err }, 'could not release jobs; their leases will expire'));
    }
    await this.flush();
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.reapTimer) clearInterval(this.reapTimer);
    this.log.info({ worker_id: this.workerId }, 'worker stopped');
  }

  /** Resolves true when every entry's `done` settled within `ms`, false otherwise. */
  private async settledWithin(entries: readonly Running[], ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.all(entries.map((r) => r.done)).then(() => true),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); }),
    ]);
    clearTimeout(timer);
    return settled;
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
        try {
          let bulkHeld = 0;
          for (const { job } of this.running.values()) if (job.priority >= JobPriority.bulk) bulkHeld++;
          const bulkFree = Math.max(0, this.concurrency + this.prefetch - this.interactiveReserve - bulkHeld);
          const jobs = await claimJobs(this.sql, this.workerId, free, this.leaseMs, bulkFree);
          claimed = jobs.length;
          for (const job of jobs) this.run(job);
        } catch (err) {
          this.log.error({ err }, 'claiming jobs failed; retrying after the poll interval');
        }
        // A full batch suggests more is waiting: claim again without sleeping.
        if (claimed > 0 && claimed === free) continue;
      }
      await this.idle(free > 0 ? this.pollIntervalMs : undefined);
    }
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
          // For a worker watched from outside its process (crash and multi-replica tests).
          if (this.log.isLevelEnabled('debug')) this.log.debug({ job_ids: ids }, 'finished jobs deleted');
          this.emit('completed', ids);
        } catch (err) {
          this.metrics.restore(loose);
          this.log.error({ err, job_ids: ids }, 'could not delete finished jobs; retrying');
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
      if (requeued.length > 0) {
        this.log.warn({ job_ids: requeued }, 'requeued jobs whose worker stopped');
        this.kick();
      }
    } catch (err) {
      this.log.error({ err }, 'could not requeue expired leases');
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
    } catch (err) {
      this.log.error({ err }, 'could not renew leases');
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
