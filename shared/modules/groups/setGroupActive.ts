import type { Queryable } from '../../db/Queryable.js';
import { syncUnlimitedPoints } from './syncUnlimitedPoints.js';

/** Why a group stopped being active; shown to its admin and in broadcast reports. */
export type DeactivationReason = 'bot_removed' | 'bot_demoted' | 'bot_kicked' | 'not_member' | 'chat_not_found' | 'chat_deleted';

/**
 * Activates a registered group for its linked admin and grants them unlimited points, in one
 * transaction. Returns false when the group is not registered to this admin.
 */
export async function activateGroup(sql: Queryable, chatId: number, adminUserId: number): Promise<boolean> {
  const [row] = await sql<{ id: number }[]>`
    update groups set active = true, activated_at = now(), deactivated_at = null, deactivated_reason = null, updated_at = now()
    where chat_id = ${chatId} and admin_user_id = ${adminUserId}
    returning id`;
  if (!row) return false;
  await syncUnlimitedPoints(sql, adminUserId);
  return true;
}

/**
 * Deactivates a group (a broadcast found it gone) and withdraws its admin's unlimited points
 * unless another active group keeps them. Returns the admin whose points were withdrawn, or
 * `null` (the group was not active, or the admin keeps unlimited points through another group).
 */
export async function deactivateGroup(sql: Queryable, chatId: number, reason: DeactivationReason): Promise<{ withdrawnFrom: number | null }> {
  const [row] = await sql<{ adminUserId: number | null }[]>`
    update groups set active = false, deactivated_at = now(), deactivated_reason = ${reason}, updated_at = now()
    where chat_id = ${chatId} and active
    returning admin_user_id as "adminUserId"`;
  if (!row?.adminUserId) return { withdrawnFrom: null };
  const unlimited = await syncUnlimitedPoints(sql, row.adminUserId);
  return { withdrawnFrom: unlimited === false ? row.adminUserId : null };
}
