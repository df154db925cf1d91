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
