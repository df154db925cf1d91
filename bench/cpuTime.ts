import { readFile } from 'node:fs/promises';
import type { Sql } from '../shared/db/createSql.js';

/** Linux's clock ticks per second for /proc/<pid>/stat (`getconf CLK_TCK`: 100 here and on every x86-64 kernel). */
const TICKS_PER_S = 100;

/** CPU time (user + system) a process has used since it started, in ms, from /proc/<pid>/stat; 0 if it is gone. */
export async function processCpuMs(pid: number): Promise<number> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after comm and state.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
}

/**
 * The CPU time of every server process (backend) connected to one database, summed, in ms.
 * Backends are found by pid in pg_stat_activity; pass the previous reading's per-pid times to
 * count only what was used since (a backend that started in between counts from its start).
 */
export async function databaseCpu(sql: Sql, database: string): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`;
  const times = new Map<number, number>();
  for (const { pid } of rows) times.set(pid, await processCpuMs(pid));
  return times;
}

/** What a set of backends used between two {@link databaseCpu} readings, in ms. */
export function databaseCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
