import type { Queryable } from '../db/Queryable.js';

/**
 * Deletes dead jobs (`failed`) with the given ids; returns the ids deleted. Only dead jobs: a
 * failed job is never its key's head (the head is `queued` or `running`), so deleting one
 * strands no job waiting behind it, where deleting a live job could.
 */
export async function discardJobs(sql: Queryable, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: number }[]>`
    delete from jobs where state = 'failed' and id = any(${ids as number[]}::bigint[]) returning id`;
  return Array.from(rows, (r) => r.id).sort((a, b) => a - b);
}
