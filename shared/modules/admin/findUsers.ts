import type { Queryable } from '../../db/Queryable.js';

/** A user as admin lists show them. */
export interface FoundUser {
  id: number;
  username: string | null;
  firstName: string;
  createdAt: Date;
}

const columns = (sql: Queryable) => sql`id, username, first_name as "firstName", created_at as "createdAt"`;

/** What an admin typed to name one user: a Telegram id, or an @username. */
export type UserRef = { id: number } | { username: string };

/**
 * Reads "123456789" or "@johndoe" (or "johndoe"): a Telegram id, or a username by Telegram's
 * rules (5–32 letters, digits and underscores). Null for anything else.
 */
export function parseUserRef(text: string): UserRef | null {
  const t = text.trim();
  if (/^[1-9]\d{0,15}$/.test(t)) {
    const id = Number(t);
    return Number.isSafeInteger(id) ? { id } : null;
  }
  const name = /^@?([A-Za-z][A-Za-z0-9_]{3,31})$/.exec(t);
  return name ? { username: name[1]! } : null;
}

/** The user an id or @username names, if they have used the bot. Usernames match without case, as Telegram's do. */
export async function findUser(sql: Queryable, ref: UserRef): Promise<FoundUser | null> {
  const [row] = 'id' in ref
    ? await sql<FoundUser[]>`select ${columns(sql)} from users where id = ${ref.id}`
    : await sql<FoundUser[]>`select ${columns(sql)} from users where lower(username) = lower(${ref.username}) order by updated_at desc limit 1`;
  return row ?? null;
}

/**
 * Users matching a search: an exact id or @username first, then names and usernames that
 * contain the text (case-insensitive), newest first, at most `limit`.
 */
export async function searchUsers(sql: Queryable, text: string, limit = 10): Promise<FoundUser[]> {
  const query = text.trim().replace(/^@/, '');
  if (query === '') return [];
  const ref = parseUserRef(text);
  const exact = ref ? await findUser(sql, ref) : null;
  // LIKE's wildcards in the admin's text are matched literally.
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await sql<FoundUser[]>`
    select ${columns(sql)} from users
    where (first_name ilike ${pattern} or username ilike ${pattern}) ${exact ? sql`and id <> ${exact.id}` : sql``}
    order by created_at desc, id desc limit ${limit}`;
  return [...(exact ? [exact] : []), ...rows].slice(0, limit);
}
