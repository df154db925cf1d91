import type { Queryable } from '../../db/Queryable.js';

/**
 * Sets `users.unlimited_points` from the groups: a user has unlimited points while they are
 * the linked admin of at least one active group (the bot admin there: recordBotMembership
 * deactivates a group the moment the bot loses that). Derived rather than toggled, so two
 * groups of one admin cannot leave it wrong whatever order they change in; the groups' own
 * activated/deactivated columns record why.
 *
 * Returns the new value when it changed, `null` when it did not (or the user does not exist).
 */
export async function syncUnlimitedPoints(sql: Queryable, userId: number): Promise<boolean | null> {
  const [row] = await sql<{ unlimited: boolean }[]>`
    with wanted as (select exists (select 1 from groups where admin_user_id = ${userId} and active) as unlimited)
    update users set unlimited_points = wanted.unlimited, updated_at = now()
    from wanted
    where id = ${userId} and unlimited_points <> wanted.unlimited
    returning users.unlimited_points as unlimited`;
  return row?.unlimited ?? null;
}
