import type { StorageAdapter } from 'grammy';
import type { Queryable } from '../db/Queryable.js';
import { jsonb } from '../db/jsonb.js';

/**
 * grammY session storage in the `sessions` table. Each value expires `ttlMs` after its last
 * write, so an abandoned conversation (a half-made post) does not linger forever; the
 * worker's maintenance deletes expired rows, and reads ignore them meanwhile.
 *
 * Safe without locks because the queue runs one chat's updates one at a time (serial_key).
 */
export class PostgresSessionStorage<T> implements StorageAdapter<T> {
  private readonly sql: Queryable;
  private readonly ttlMs: number | null;

  /** @param ttlMs lifetime after the last write; `null` for none. Default one day. */
  constructor(sql: Queryable, options: { ttlMs?: number | null } = {}) {
    this.sql = sql;
    this.ttlMs = options.ttlMs === undefined ? 86_400_000 : options.ttlMs;
  }

  async read(key: string): Promise<T | undefined> {
    const [row] = await this.sql<{ value: T }[]>`
      select value from sessions where key = ${key} and (expires_at is null or expires_at > now())`;
    return row?.value;
  }

  async write(key: string, value: T): Promise<void> {
    await this.sql`
      insert into sessions (key, value, expires_at)
      values (${key}, ${jsonb(this.sql, value)}, ${this.ttlMs === null ? null : new Date(Date.now() + this.ttlMs)})
      on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at, updated_at = now()`;
  }

  async delete(key: string): Promise<void> {
    await this.sql`delete from sessions where key = ${key}`;
  }
}
