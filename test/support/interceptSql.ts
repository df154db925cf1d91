import type { Sql } from '../../shared/db/createSql.js';

/**
 * Wraps a postgres.js client so that a test can watch or hold the statements code under test
 * sends: `intercept` sees each tagged-template call's text and either returns `undefined` (the
 * statement runs as usual) or a promise that stands for the statement's result (call `run` to
 * run it, when the test lets it). Fragments and helpers (`sql.json`, `sql.begin`) pass through.
 */
export function interceptSql(sql: Sql, intercept: (text: string, run: () => Promise<unknown>) => Promise<unknown> | undefined): Sql {
  return new Proxy(sql, {
    apply(target, thisArg, args: unknown[]) {
      const strings = args[0];
      if (Array.isArray(strings) && 'raw' in strings) {
        const held = intercept(strings.join('?'), () => Reflect.apply(target, thisArg, args) as Promise<unknown>);
        if (held) return held;
      }
      return Reflect.apply(target, thisArg, args);
    },
  });
}
