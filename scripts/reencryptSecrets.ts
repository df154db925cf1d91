import { createSql } from '../shared/db/createSql.js';
import { ENCRYPTED_COLUMNS } from '../shared/modules/instapost/encryptedColumns.js';
import { Keyring } from '../shared/modules/instapost/Keyring.js';
import { type EncryptedColumn, reencryptColumn } from '../shared/modules/instapost/reencryptColumn.js';

// `npm run reencrypt-secrets [-- --column <table>.<column> ...]`: after rotating ENCRYPTION_KEY
// (new key in ENCRYPTION_KEY, old one in ENCRYPTION_KEY_PREVIOUS), re-encrypts every secret the
// old key made, in the columns of shared/modules/instapost/encryptedColumns.ts and any given with
// --column. Safe to run while the bot runs and to run twice. Prints counts, never values.
/* eslint-disable no-console -- a command-line tool's output is its interface */
const args = process.argv.slice(2);
const columns: EncryptedColumn[] = [...ENCRYPTED_COLUMNS];
for (let i = 0; i < args.length; i++) {
  const match = args[i] === '--column' ? /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(args[i + 1] ?? '') : null;
  if (match === null) {
    console.error('usage: npm run reencrypt-secrets [-- --column <table>.<column> ...]');
    process.exit(2);
  }
  columns.push({ table: match[1] ?? '', column: match[2] ?? '' });
  i++;
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(1);
}
let keyring: Keyring;
try {
  keyring = Keyring.fromEnv(process.env.ENCRYPTION_KEY, process.env.ENCRYPTION_KEY_PREVIOUS);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const sql = createSql(url, { max: 1, prepare: false, applicationName: 'reencrypt-secrets' });
try {
  if (columns.length === 0) console.log('no encrypted columns registered: nothing to re-encrypt');
  for (const column of columns) {
    const { reencrypted } = await reencryptColumn(sql, keyring, column);
    console.log(`${column.table}.${column.column}: re-encrypted ${reencrypted} value(s) with key ${keyring.current.id}`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 5 });
}
