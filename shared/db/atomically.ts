import type { Sql } from './createSql.js';
import type { Queryable } from './Queryable.js';

/** A pool (`Sql`) rather than a transaction: only a pool can `begin` one. */
function isPool(sql: Queryable): sql is Sql {
  return 'begin' in sql;
}

/**
 * Runs `work` atomically: in a new transaction when given the pool, and as part of the
 * caller's transaction when given one (a Telegram update runs in one, see createBot.ts). So a
 * domain function that writes several rows is atomic on its own and composes into a larger
 * transaction without a savepoint: one commit, one WAL flush, instead of one per function.
 *
 * Inside the caller's transaction a failed statement aborts the whole transaction, so `work`
 * must not catch database errors and carry on.
 */
export async function atomically<T>(sql: Queryable, work: (tx: Queryable) => Promise<T>): Promise<T> {
  if (!isPool(sql)) return work(sql);
  // postgres.js types begin's result as UnwrapPromiseArray<T>, which is T for anything but an
  // array of promises; `work` resolves its own promises.
  return sql.begin(work) as Promise<T>;
}
