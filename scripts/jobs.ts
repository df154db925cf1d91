import { createSql } from '../shared/db/createSql.js';
import { queueStats } from '../shared/queue/queueStats.js';
import { replayJobs } from '../shared/queue/replayJobs.js';

// `npm run jobs -- <command>`: the operator's view of the queue.
//   stats              counts and lag
//   failed             dead jobs with their last error
//   replay <id>...     queue those failed jobs again with fresh attempts
//   replay --all       queue every failed job again
/* eslint-disable no-console -- a command-line tool's output is its interface */
const [command, ...args] = process.argv.slice(2);
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(1);
}
const sql = createSql(url, { max: 1, prepare: false, applicationName: 'jobs-cli', caCert: process.env.DATABASE_CA_CERT || undefined });
try {
  if (command === 'stats') {
    console.log(JSON.stringify(await queueStats(sql), null, 2));
  } else if (command === 'failed') {
    const rows = await sql`select id, type, attempts, failed_at, last_error from jobs where state = 'failed' order by failed_at desc limit 100`;
    console.table(rows.map((r) => ({ ...r })));
  } else if (command === 'replay' && args.length > 0) {
    const ids = args[0] === '--all' ? undefined : args.map((a) => {
      const id = Number(a);
      if (!Number.isSafeInteger(id)) throw new Error(`not a job id: ${a}`);
      return id;
    });
    const replayed = await replayJobs(sql, ids);
    console.log(`replayed ${replayed.length} job(s)${replayed.length ? `: ${replayed.join(', ')}` : ''}`);
  } else {
    console.error('usage: npm run jobs -- stats | failed | replay <id>... | replay --all');
    process.exitCode = 2;
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 5 });
}
