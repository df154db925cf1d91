import type { Sql } from '../db/createSql.js';
import type { UpdateRoute } from '../telegram/routeUpdate.js';

/** One update to record: its id, the request text as received, and how the queue treats it. */
export interface UpdateRecord {
  updateId: number;
  body: string;
  route: UpdateRoute;
}

/**
 * Records updates as seen and enqueues a job for each new one, in one statement: one round
 * trip and one commit (one WAL flush) for the whole batch. Returns the ids that were new; the
 * others were duplicates. `records` must not repeat an id (the caller deduplicates a batch).
 *
 * The insert into `processed_webhooks` is the deduplication: its primary key makes a
 * concurrent duplicate in another statement wait for this one's commit and then conflict, so
 * only one statement yields the id, and only that one inserts a job. Because the seen-id row
 * outlives the job, a redelivery after the job finished is caught too.
 *
 * Why batches: every webhook statement is one commit, and at 1,000-3,000 updates/s the commits
 * and their flushes, not the rows, were what the database could not keep up with (the same
 * inserts one per statement answered 1,638/s at 3,000/s with 10 connections; BENCHMARKS.md).
 *
 * The seen ids are inserted in id order, whatever order the batch has: two batches holding the
 * same ids (a redelivery while the first delivery's batch runs, on another connection or
 * instance) then wait for each other's rows in the same order and never deadlock; in arrival
 * order one would take 1 then wait for 2 while the other held 2 and waited for 1, and the
 * server would abort one of them (a 503). The same goes for the chats' key locks, which the
 * jobs' insert trigger takes one row at a time in the batch's order: two batches (or a batch and
 * the worker's completion of the same chats) holding chats A and B in opposite orders would
 * deadlock. So the statement takes every key's lock first (`locked`, read before the first row
 * is inserted: the sort on update_id consumes it), in hashtext order, the order every statement
 * that locks several keys uses (migration jobs_key_lock_order). Jobs are inserted in the order given
 * (`ordinality`), so a chat's updates keep their order in the queue. `body` is the request text: PostgreSQL parses it into jsonb, so we do not pay
 * for a JSON.stringify of what we just parsed. The `::text::jsonb` matters: a parameter typed
 * jsonb would make postgres.js JSON-encode the string, storing one JSON string.
 *
 * **One round trip.** The batch goes in the statement's text, as a literal, not as a parameter:
 * the webhook talks to Supabase's transaction pooler without prepared statements, and postgres.js
 * sends an unprepared statement that has parameters in two round trips (it asks the server for
 * their types first). With no parameters it sends parse, bind and execute at once. On loopback
 * that difference is invisible; with the database a few ms away it is half of every batch's
 * time (`npm run bench -- ingress-remote-db`).
 */
export async function recordUpdates(sql: Sql, records: readonly UpdateRecord[]): Promise<Set<number>> {
  const batch = `[${records.map((r) => `{"u":${r.updateId},"p":${r.route.priority},"k":${JSON.stringify(r.route.serialKey)},"b":${r.body}}`).join(',')}]`;
  const rows = await sql.unsafe<{ update_id: number }[]>(`
    with input as (
      select x.u as update_id, x.b as payload, x.p as priority, x.k as serial_key, x.ord
      from rows from (jsonb_to_recordset(${dollarQuoted(batch)}::text::jsonb) as (u int8, p int4, k text, b jsonb)) with ordinality as x(u, p, k, b, ord)
    ),
    locked as (
      select count(pg_advisory_xact_lock(hashtext('jobs.serial_key'), h)) as n
      from (select distinct hashtext(serial_key) as h from input where serial_key is not null order by 1) keys
    ),
    seen as (
      insert into processed_webhooks (update_id)
      select update_id from input, locked order by update_id
      on conflict do nothing
      returning update_id
    ),
    queued as (
      insert into jobs (type, payload, priority, serial_key)
      select 'telegram_update', input.payload, input.priority, input.serial_key
      from input join seen using (update_id)
      order by input.ord
    )
    select update_id from seen`);
  return new Set(rows.map((r) => r.update_id));
}

/**
 * `text` as a dollar-quoted SQL literal (`$u1a2b$…$u1a2b$`), with a tag that does not occur in
 * it: PostgreSQL takes everything between the tags verbatim (no escapes, whatever
 * standard_conforming_strings says), so no content can end the literal early. The text must
 * hold no NUL character, which no query can carry: the webhook's is JSON it parsed, where
 * control characters appear only escaped.
 */
export function dollarQuoted(text: string): string {
  for (let n = 0; ; n++) {
    const tag = `$u${n.toString(36)}$`;
    // Not in the text, nor made by the text's end and the closing tag (`…$u0` + `$u0$`).
    if ((text + tag).indexOf(tag) === text.length) return `${tag}${text}${tag}`;
  }
}
