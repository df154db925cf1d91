import type { Queryable } from '../db/Queryable.js';

/**
 * For each of `keys` with no head (no `queued` or `running` job), makes its oldest `waiting`
 * job the head. Returns the ids promoted. Run it inside a READ COMMITTED transaction (the
 * default): it takes each key's advisory lock in hashtext order, as every statement locking several keys
 * does (migration jobs_key_lock_order),
 * and only then, in a second statement with a fresh snapshot, looks for heads; one statement
 * would have taken its snapshot before waiting for the locks and could miss a head another
 * transaction committed meanwhile.
 */
export async function promoteWaitingHeads(tx: Queryable, keys: readonly string[]): Promise<number[]> {
  if (keys.length === 0) return [];
  await tx`
    select pg_advisory_xact_lock(hashtext('jobs.serial_key'), h)
    from (select distinct hashtext(k) as h from unnest(${keys as string[]}::text[]) as u(k) order by 1) keys`;
  const rows = await tx<{ id: number }[]>`
    update jobs j set state = 'queued'
    from (
      select distinct on (w.serial_key) w.id
      from jobs w
      where w.state = 'waiting' and w.serial_key = any(${keys as string[]}::text[])
        and not exists (select 1 from jobs h where h.serial_key = w.serial_key and h.state in ('queued', 'running'))
      order by w.serial_key, w.id
    ) next
    where j.id = next.id
    returning j.id`;
  return Array.from(rows, (r) => r.id).sort((a, b) => a - b);
}
