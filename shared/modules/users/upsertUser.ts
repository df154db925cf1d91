import type { User } from 'grammy/types';
import type { Queryable } from '../../db/Queryable.js';

/**
 * Creates the user or refreshes their Telegram profile. Returns whether the row is new: one
 * statement, so two concurrent `/start`s cannot both create the user (`xmax = 0` is true only
 * for the row version an insert created).
 */
export async function upsertUser(sql: Queryable, user: User): Promise<{ created: boolean }> {
  const [row] = await sql<{ created: boolean }[]>`
    insert into users (id, username, first_name, language_code)
    values (${user.id}, ${user.username ?? null}, ${user.first_name}, ${user.language_code ?? null})
    on conflict (id) do update set
      username = excluded.username,
      first_name = excluded.first_name,
      language_code = excluded.language_code,
      updated_at = now()
    returning (xmax = 0) as created`;
  return { created: row!.created };
}
