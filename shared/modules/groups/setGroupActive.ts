import type { Queryable } from '../../db/Queryable.js';

/** Why a group stopped being active; shown to its admin and in broadcast reports. */
export type DeactivationReason =
  | 'bot_removed' | 'bot_demoted' | 'bot_kicked' | 'not_member' | 'chat_not_found' | 'chat_deleted'
  | 'admin_left' | 'admin_demoted' | 'too_few_members';

/**
 * Activates a registered group for its linked admin, in one statement: their unlimited points
 * follow from it in the same transaction (the `groups_derive_unlimited_points` trigger).
 * Returns false when the group is not registered to this admin.
 */
export async function activateGroup(sql: Queryable, chatId: number, adminUserId: number): Promise<boolean> {
  const rows = await sql`
    update groups set active = true, activated_at = now(), deactivated_at = null, deactivated_reason = null, updated_at = now()
    where chat_id = ${chatId} and admin_user_id = ${adminUserId}
    returning id`;
  return rows.length > 0;
}

/**
 * Deactivates a group, in one statement (the trigger withdraws unlimited points unless another
 * active group of the admin keeps them). With `unlink`, the admin is unlinked too, so another
 * admin may register the group. Returns the admin who lost unlimited points by it, or `null`
 * (the group was not active, or another active group keeps them).
 */
export async function deactivateGroup(sql: Queryable, chatId: number, reason: DeactivationReason, options: { unlink?: boolean } = {}): Promise<{ withdrawnFrom: number | null }> {
  // The select sees the groups as they were before the update (one snapshot), so "another
  // active group" excludes this one by id.
  const [row] = await sql<{ adminUserId: number | null; withdrawn: boolean }[]>`
    with d as (
      update groups g set active = false, deactivated_at = now(), deactivated_reason = ${reason}, updated_at = now(),
        admin_user_id = case when ${options.unlink === true} then null else g.admin_user_id end
      where chat_id = ${chatId} and active
      -- The admin before the update: a subquery reads the statement's snapshot.
      returning g.id, (select admin_user_id from groups where id = g.id) as admin_user_id
    )
    select d.admin_user_id as "adminUserId",
      not exists (select 1 from groups o where o.admin_user_id = d.admin_user_id and o.active and o.id <> d.id) as withdrawn
    from d`;
  return { withdrawnFrom: row?.adminUserId != null && row.withdrawn ? row.adminUserId : null };
}
