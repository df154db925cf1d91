import type { Queryable } from '../../db/Queryable.js';
import type { Keyring } from './Keyring.js';
import { decryptSecret, encryptSecret } from './secretCipher.js';

/** A column holding {@link encryptSecret} ciphertexts. */
export interface EncryptedColumn {
  table: string;
  column: string;
  /** The primary key column. @default 'id' */
  idColumn?: string;
  /** The context the values were encrypted with. @default '<table>.<column>' */
  context?: string;
}

/**
 * Re-encrypts every value of `column` that an older key made with the keyring's current key, in
 * batches. Each row is updated only if its value is still the one read (a concurrent write wins),
 * so it is safe to run while the bot runs, and safe to run again: a second run changes nothing.
 * A value no key can read stops the run with the row's id (never the value).
 */
export async function reencryptColumn(sql: Queryable, keyring: Keyring, target: EncryptedColumn,
  options: { batchSize?: number } = {}): Promise<{ reencrypted: number }> {
  const idColumn = target.idColumn ?? 'id';
  const context = target.context ?? `${target.table}.${target.column}`;
  const batchSize = options.batchSize ?? 100;
  const currentPrefix = `v1:${keyring.current.id}:%`;
  let reencrypted = 0;
  let after: string | null = null;
  for (;;) {
    // Keyset pagination on the id (as text, so any key type works) rather than re-reading the
    // same unchanged rows: a row a concurrent writer changed is skipped, not retried forever.
    const rows: Array<{ id: string; value: string }> = await sql<Array<{ id: string; value: string }>>`
      select ${sql(idColumn)}::text as id, ${sql(target.column)} as value from ${sql(target.table)}
      where ${sql(target.column)} is not null and ${sql(target.column)} not like ${currentPrefix}
        and (${after}::text is null or ${sql(idColumn)}::text > ${after})
      order by ${sql(idColumn)}::text limit ${batchSize}`;
    if (rows.length === 0) return { reencrypted };
    for (const row of rows) {
      let plaintext: string;
      try {
        plaintext = decryptSecret(keyring, row.value, context);
      } catch (error) {
        throw new Error(`${target.table}.${target.column} of row ${row.id}: ${(error as Error).message}`, { cause: error });
      }
      const updated = await sql`
        update ${sql(target.table)} set ${sql(target.column)} = ${encryptSecret(keyring, plaintext, context)}
        where ${sql(idColumn)}::text = ${row.id} and ${sql(target.column)} = ${row.value}`;
      reencrypted += updated.count;
    }
    after = rows[rows.length - 1]?.id ?? null;
  }
}
