import type { Sql } from '../db/createSql.js';
import type { UpdateRoute } from '../telegram/routeUpdate.js';
import { type UpdateRecord, recordUpdates } from './recordUpdates.js';
import { MAX_DEPTH, nestsTooDeeply, sanitizeUpdate } from './sanitizeUpdate.js';

/** What became of one update handed to the recorder. */
export type RecordOutcome =
  /** New: its job is committed. */
  | { kind: 'accepted' }
  /** Seen before: nothing written. */
  | { kind: 'duplicate' }
  /** The database refuses it whatever we do (see {@link DETERMINISTIC}); nothing written. */
  | { kind: 'unstorable'; error: unknown }
  /** No answer from the database within the deadline; it may still commit later (harmless). */
  | { kind: 'timeout' }
  /** The database failed (down, reset, refused). */
  | { kind: 'failed'; error: unknown };

/** An update as the webhook parsed it. */
export interface UpdateToRecord extends UpdateRecord {
  /** The parsed body, used only to repair what jsonb refuses. */
  update: unknown;
  route: UpdateRoute;
}

/** Options for {@link createUpdateRecorder}. */
export interface UpdateRecorderOptions {
  /** Statements in flight at once: the pool's size. */
  maxInFlight: number;
  /** How long one update may wait for the database, queueing included. */
  timeoutMs: number;
  /** Updates per statement at most. Default 200 (a batch of 1 MiB bodies stays bounded). */
  maxBatch?: number;
}

/**
 * Errors that mean "the connection went away", not "the statement failed". A warm serverless
 * instance can hold a socket the pooler closed while the instance was suspended; one retry on
 * a fresh connection is safe because {@link recordUpdates} is idempotent.
 */
const CONNECTION_ERRORS = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE']);

/**
 * SQLSTATEs by which PostgreSQL refuses an update's content itself: 22P05 (`\u0000` in jsonb),
 * 22P02 (a lone surrogate such as `\ud800`), 54001 (nesting deeper than its stack). Delivering
 * the same update again fails the same way, so answering 503 would only make Telegram repeat
 * it (and us log it) until it gives up.
 */
const DETERMINISTIC = new Set(['22P05', '22P02', '54001']);

const codeOf = (err: unknown) => (err && typeof err === 'object' && 'code' in err ? String(err.code) : '');

interface Pending {
  item: UpdateToRecord;
  settle(outcome: RecordOutcome): void;
  settled: boolean;
  /** The same update delivered again while this one waited in the same batch: they share its fate. */
  repeats: Pending[];
}

/** Settles an update and the repeats that shared its statement. */
function finish(p: Pending, outcome: RecordOutcome): void {
  p.settle(outcome);
  for (const r of p.repeats) r.settle(outcome.kind === 'accepted' ? { kind: 'duplicate' } : outcome);
}

/**
 * Records updates for the webhook, many per statement when many arrive at once. Fluid compute
 * runs many requests in one instance; each update that arrives while all `maxInFlight`
 * statements are busy waits for the next free one and goes with everything else that waited.
 * At a low rate every update is sent at once, alone, so batching adds no wait; at a high rate
 * one commit serves many updates.
 *
 * Each update has its own deadline (`timeoutMs`): past it the answer is `timeout` (the webhook
 * answers 503), whatever the database is doing: refusing, resetting, or silent. One content
 * the database refuses (see {@link DETERMINISTIC}) does not fail its batch: the batch is then
 * recorded one update at a time, and that one is repaired if it can be (NUL removed, lone
 * surrogates replaced) or reported `unstorable`.
 */
export function createUpdateRecorder(sql: Sql, options: UpdateRecorderOptions) {
  const maxBatch = options.maxBatch ?? 200;
  const queue: Pending[] = [];
  let inFlight = 0;

  const run = (records: readonly UpdateRecord[]) => recordUpdates(sql, records).catch((err: unknown) => {
    if (CONNECTION_ERRORS.has(codeOf(err))) return recordUpdates(sql, records);
    throw err;
  });

  async function recordAlone(p: Pending): Promise<void> {
    try {
      finish(p, (await run([p.item])).has(p.item.updateId) ? { kind: 'accepted' } : { kind: 'duplicate' });
    } catch (err) {
      if (!DETERMINISTIC.has(codeOf(err))) return finish(p, { kind: 'failed', error: err });
      // Dropped only when the content explains the refusal: a refusal of a clean update is
      // our fault or the database's, and answered 503 like any failure, never dropped.
      const repaired = sanitizeUpdate(p.item.update);
      if (repaired.kind === 'too_deep') return finish(p, { kind: 'unstorable', error: err });
      if (repaired.kind === 'clean') return finish(p, { kind: 'failed', error: err });
      try {
        const inserted = await run([{ ...p.item, body: repaired.text }]);
        finish(p, inserted.has(p.item.updateId) ? { kind: 'accepted' } : { kind: 'duplicate' });
      } catch (again) {
        finish(p, { kind: 'failed', error: again });
      }
    }
  }

  async function recordBatch(batch: Pending[]): Promise<void> {
    // A redelivery racing its original can land in the same batch: one row per id.
    const first = new Map<number, Pending>();
    for (const p of batch) {
      const original = first.get(p.item.updateId);
      if (original) original.repeats.push(p);
      else first.set(p.item.updateId, p);
    }
    const unique = [...first.values()];
    if (unique.length === 1) return recordAlone(unique[0]!);
    try {
      const inserted = await run(unique.map((p) => p.item));
      for (const p of unique) finish(p, inserted.has(p.item.updateId) ? { kind: 'accepted' } : { kind: 'duplicate' });
    } catch (err) {
      if (DETERMINISTIC.has(codeOf(err))) {
        for (const p of unique) await recordAlone(p);
      } else {
        for (const p of unique) finish(p, { kind: 'failed', error: err });
      }
    }
  }

  function pump(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      // Updates whose deadline passed while they queued are not sent: their request got 503.
      const batch = queue.splice(0, maxBatch).filter((p) => !p.settled);
      if (batch.length === 0) continue;
      inFlight++;
      void recordBatch(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    /** Records one update; settles within `timeoutMs`. */
    record(item: UpdateToRecord): Promise<RecordOutcome> {
      if (nestsTooDeeply(item.body)) return Promise.resolve({ kind: 'unstorable', error: new RangeError(`update nests deeper than ${MAX_DEPTH} levels`) });
      return new Promise((resolve) => {
        const timer = setTimeout(() => p.settle({ kind: 'timeout' }), options.timeoutMs);
        const p: Pending = {
          item,
          settled: false,
          repeats: [],
          settle(outcome) {
            if (p.settled) return;
            p.settled = true;
            clearTimeout(timer);
            resolve(outcome);
          },
        };
        queue.push(p);
        pump();
      });
    },
  };
}
