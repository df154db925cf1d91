import { createSql } from '../shared/db/createSql.js';
import { migrate } from '../shared/db/migrate.js';
import { createLogger } from '../shared/logger.js';

// `npm run migrate`: applies pending migrations to DATABASE_URL (plain PostgreSQL or Supabase).
const log = createLogger({ name: 'migrate' });
const url = process.env.DATABASE_URL;
if (!url) {
  log.fatal('DATABASE_URL is required (for Supabase: the session pooler or direct URL). `npm start` migrates the embedded database by itself.');
  process.exit(1);
}
// prepare: false so the same command also works through a transaction pooler.
const sql = createSql(url, { max: 1, prepare: false, applicationName: 'migrate', caCert: process.env.DATABASE_CA_CERT || undefined });
try {
  const applied = await migrate(sql);
  log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'nothing to apply');
} catch (err) {
  log.fatal({ err }, 'migration failed; nothing was applied (all pending migrations run in one transaction)');
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 5 });
}
