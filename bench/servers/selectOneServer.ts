// The floor: read the body, one `select 1` round trip on the same kind of pool, answer 200.
// No secret check, no parsing, no write: nothing an ingress could skip.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSql } from '../../shared/db/createSql.js';
import { serveOnLoopback } from './serveOnLoopback.js';

// Same pool as the function under test (INGRESS_DB_POOL_MAX, default 2, no prepared statements).
const sql = createSql(process.env.DATABASE_URL!, { max: Number(process.env.INGRESS_DB_POOL_MAX ?? 2), prepare: false, applicationName: 'bench-select1' });

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  for await (const _chunk of req);
  await sql`select 1`;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok');
}

serveOnLoopback(handle, () => sql.end({ timeout: 1 }));
