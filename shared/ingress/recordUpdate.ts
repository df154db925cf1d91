import type { Sql } from '../db/createSql.js';
import type { UpdateRoute } from '../telegram/routeUpdate.js';

/**
 * Records an update as seen and enqueues its job, in one statement and so one round trip.
 * Returns `false` for a duplicate.
 *
 * The insert into `processed_webhooks` is the deduplication: its primary key makes a
 * concurrent duplicate wait for the first insert's commit and then conflict, so only one
 * statement's CTE yields a row, and only that one inserts a job. Because the seen-id row
 * outlives the job, a redelivery after the job finished is caught too.
 *
 * `body` is the request text as received: PostgreSQL parses it into jsonb, so we do not pay
 * for a JSON.stringify of what we just parsed. The `::text` matters: a parameter typed jsonb
 * would make postgres.js JSON-encode the string, storing one JSON string instead of the object.
 */
export async function recordUpdate(sql: Sql, updateId: number, body: string, route: UpdateRoute): Promise<boolean> {
  const rows = await sql`
    with seen as (
      insert into processed_webhooks (update_id) values (${updateId})
      on conflict do nothing
      returning update_id
    )
    insert into jobs (type, payload, priority, serial_key)
    select 'telegram_update', ${body}::text::jsonb, ${route.priority}, ${route.serialKey} from seen
    returning id`;
  return rows.length === 1;
}
