import type { Queryable } from '../../db/Queryable.js';

/**
 * Bans a user: false if they were already banned (or are unknown), so a redelivered /admin_ban
 * changes nothing and records nothing twice. The notice mark is cleared: each ban is told once.
 */
export async function banUserRow(sql: Queryable, userId: number, by: number, reason: string | null): Promise<boolean> {
  const rows = await sql`
    update users set banned_at = now(), banned_by = ${by}, ban_reason = ${reason}, ban_notified_at = null, updated_at = now()
    where id = ${userId} and banned_at is null returning id`;
  return rows.length > 0;
}

/** Lifts a ban: false if the user was not banned. */
export async function unbanUserRow(sql: Queryable, userId: number): Promise<boolean> {
  const rows = await sql`
    update users set banned_at = null, banned_by = null, ban_reason = null, ban_notified_at = null, updated_at = now()
    where id = ${userId} and banned_at is not null returning id`;
  return rows.length > 0;
}
