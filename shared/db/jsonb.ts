import type { Queryable } from './Queryable.js';

/**
 * A value as a `jsonb` query fragment: `${jsonb(sql, value)}`. Typed for any value, unlike
 * postgres.js's `sql.json`, whose `JSONValue` rejects interfaces such as grammY's types.
 *
 * Sent as text and parsed by PostgreSQL (`::text::jsonb`): a parameter the server reports as
 * jsonb would make postgres.js JSON-encode the already encoded string.
 */
export function jsonb(sql: Queryable, value: unknown) {
  return sql`${JSON.stringify(value)}::text::jsonb`;
}
