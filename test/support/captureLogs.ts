import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from '../../shared/logger.js';

/** One line as pino wrote it, parsed. */
export interface LogLine {
  /** pino's numbers: 30 info, 40 warn, 50 error. */
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * A logger writing into memory, as the project's logger writes to stdout (redaction and error
 * serialisation included). `events` emits `line` after each line, so a test can wait for what
 * the code logs (`waitFor(…, { on: [logs.events, 'line'] })`).
 */
export function captureLogs(level = 'info') {
  const raw: string[] = [];
  const lines: LogLine[] = [];
  const events = new EventEmitter();
  const destination = new Writable({
    write(chunk, _enc, done) {
      const text = String(chunk);
      raw.push(text);
      for (const line of text.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
      events.emit('line');
    },
  });
  return {
    log: createLogger({ level, destination }),
    lines,
    events,
    /** Every line so far, as written. */
    output: () => raw.join(''),
    /** The lines whose message starts with `prefix`. */
    find: (prefix: string) => lines.filter((l) => l.msg.startsWith(prefix)),
  };
}

/**
 * A statement retried on a timer and failing each time is logged once with its stack trace,
 * then one line per failure with the count (not a stack trace per retry), then once when it
 * works again.
 */
export function assertLoggedAsStreak(lines: readonly LogLine[], first: string, again: string, recovered: string): void {
  const failures = lines.filter((l) => l.msg === first || l.msg === again);
  assert.ok(failures.length >= 2, `several failures logged: ${failures.length}`);
  const [head, ...rest] = failures;
  assert.deepEqual([head!.msg, head!.level], [first, 50]);
  assert.match(String((head!.err as { stack?: string }).stack), /\n\s+at /, 'the first with its stack trace');
  assert.ok(rest.every((l) => l.msg === again && l.level === 40 && l.err === undefined), 'the next ones as warnings without one');
  assert.deepEqual(rest.map((l) => l.consecutive_failures), rest.map((_, i) => i + 2), 'each counted');
  const back = lines.filter((l) => l.msg === recovered);
  assert.equal(back.length, 1, `one line when it works again: ${recovered}`);
  assert.equal(back[0]!.failures, failures.length);
}
