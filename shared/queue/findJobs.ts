import type { Queryable } from '../db/Queryable.js';

/** What the dashboard's Jobs page filters by. Every field is optional; none matches all. */
export interface JobFilter {
  type?: string;
  state?: 'queued' | 'waiting' | 'running' | 'failed';
  /** Text searched for inside the payload (case-insensitive); a number also matches the job id. */
  search?: string;
}

/** A job as an operator looks at it. */
export interface JobListRow {
  id: number;
  type: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  created_at: Date;
  failed_at: Date | null;
  serial_key: string | null;
  last_error: string | null;
  payload: unknown;
}

/** `%` and `_` in the search are the operator's text, not patterns. */
const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The filter as a WHERE condition (`true` for an empty filter). */
export function jobFilterCondition(sql: Queryable, f: JobFilter) {
  const search = f.search?.trim();
  return sql`true
    ${f.type ? sql`and type = ${f.type}` : sql``}
    ${f.state ? sql`and state = ${f.state}` : sql``}
    ${search ? sql`and (payload::text ilike ${likeText(search)} ${/^\d{1,15}$/.test(search) ? sql`or id = ${Number(search)}` : sql``})` : sql``}`;
}

/** Counting stops here: past it the page says "10,000+" rather than scan a huge backlog to the end. */
export const JOB_COUNT_LIMIT = 10_000;

/**
 * The jobs matching `f`, newest first, up to `limit`, and how many match (up to
 * {@link JOB_COUNT_LIMIT}). The payload
 * search reads every row of the filtered range (a jsonb text scan): an operator's query on a
 * table that keeps only live and dead jobs, never the finished ones.
 */
export async function findJobs(sql: Queryable, f: JobFilter, limit: number): Promise<{ rows: JobListRow[]; total: number }> {
  const where = jobFilterCondition(sql, f);
  const rows = await sql<JobListRow[]>`
    select id, type, state, attempts, max_attempts, run_at, created_at, failed_at, serial_key, last_error, payload
    from jobs where ${where} order by id desc limit ${limit}`;
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from (select 1 from jobs where ${where} limit ${JOB_COUNT_LIMIT}) m`;
  return { rows: [...rows], total: count!.n };
}

/** The ids of the dead jobs matching `f`: what "replay all" and "discard all" act on. */
export async function findFailedJobIds(sql: Queryable, f: JobFilter): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`select id from jobs where state = 'failed' and ${jobFilterCondition(sql, f)} order by id`;
  return rows.map((r) => r.id);
}

/** The job types present in the table, for the filter's choices. */
export async function listJobTypes(sql: Queryable): Promise<string[]> {
  const rows = await sql<{ type: string }[]>`select distinct type from jobs order by type`;
  return rows.map((r) => r.type);
}
