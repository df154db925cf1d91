import type { Sql } from '../db/createSql.js';
import type { UpdateRoute } from '../telegram/routeUpdate.js';
import { recordUpdates } from './recordUpdates.js';

/**
 * Records one update as seen and enqueues its job (see {@link recordUpdates}). Returns
 * `false` for a duplicate.
 */
export async function recordUpdate(sql: Sql, updateId: number, body: string, route: UpdateRoute): Promise<boolean> {
  return (await recordUpdates(sql, [{ updateId, body, route }])).has(updateId);
}
