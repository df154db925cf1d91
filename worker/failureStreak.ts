import type { Logger } from '../shared/logger.js';
import { toError } from '../shared/queue/jobHandler.js';

/**
 * The log of a statement the runner retries on a timer (deleting finished jobs, renewing
 * leases, requeueing expired ones): the first failure with its error and stack trace, each
 * next one as one warning with the count, and the recovery once, so an outage of a minute is a
 * few dozen short lines rather than a stack trace per tick.
 */
export class FailureStreak {
  /** Failures in a row. */
  count = 0;

  private readonly log: Logger;
  private readonly messages: { first: string; again: string; recovered: string };

  constructor(log: Logger, messages: { first: string; again: string; recovered: string }) {
    this.log = log;
    this.messages = messages;
  }

  failed(err: unknown, fields: Record<string, unknown> = {}): void {
    if (++this.count === 1) this.log.error({ err, ...fields }, this.messages.first);
    else this.log.warn({ consecutive_failures: this.count, error: toError(err).message, ...fields }, this.messages.again);
  }

  succeeded(): void {
    if (this.count > 0) this.log.info({ failures: this.count }, this.messages.recovered);
    this.count = 0;
  }
}
