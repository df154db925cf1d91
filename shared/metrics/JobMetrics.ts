import { MetricTally } from './MetricTally.js';

/**
 * What one attempt of one job recorded. Written with the job's completion, in the statement that
 * deletes its row (shared/queue/completeJobs.ts), and only if that statement deleted it: an
 * attempt that failed, or whose lease went to another worker, counts nothing, so a retried or
 * redelivered update is counted once, by the attempt that finished.
 */
export class JobMetrics extends MetricTally {
  /** `performance.now()` when the first reply reached the update's private chat. */
  firstReplyAt: number | undefined;

  /** Marks the first reply; later ones change nothing. */
  noteReply(at = performance.now()): void {
    this.firstReplyAt ??= at;
  }
}
