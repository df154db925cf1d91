import type { Queryable } from '../db/Queryable.js';

/**
 * Users registered per UTC day in [from, to), from `users.created_at` (its index,
 * users_created_at_idx): exact and kept forever, unlike `metric_minutes`. Days without a new
 * user are absent.
 */
export async function readNewUsersPerDay(sql: Queryable, query: { from: Date; to: Date }): Promise<{ day: string; count: number }[]> {
  return sql<{ day: string; count: number }[]>`
    select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, count(*)::int as count
    from users
    where created_at >= ${query.from} and created_at < ${query.to}
    group by 1
    order by 1`;
}
