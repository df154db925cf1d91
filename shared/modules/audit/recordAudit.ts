import { jsonb } from '../../db/jsonb.js';
import type { Queryable } from '../../db/Queryable.js';

/**
 * The actions the audit log records, as `area.verb`. The database accepts any name of that
 * shape (so a new area needs no migration); these are the ones the code writes, listed in one
 * place so that a reader (and `/admin_users`) knows them all.
 */
export type AuditAction =
  | 'user.ban' | 'user.unban'
  | 'friends_family.grant' | 'friends_family.remove'
  | 'admin.broadcast'
  | 'instagram.connect' | 'instagram.disconnect'
  | 'plan.grant' | 'plan.end' | 'plan.change'
  | 'payment.received' | 'payment.refunded' | 'payment.reconciled' | 'payment.unmatched'
  // The admin dashboard (shared/dashboard/createDashboardHandler.ts); sign_in_limited: an
  // address locked out by the sign-in limit (actor null, once per lockout; signInAttempts.ts).
  // broadcast.stop also from the bot's Stop button (cancelBroadcast, `details.via`).
  | 'dashboard.sign_in' | 'dashboard.sign_in_limited' | 'job.replay' | 'job.discard' | 'broadcast.stop' | 'post.check_status';

/** One audit record. */
export interface AuditEntry {
  /** Who acted: a Telegram user id, or `null` for the system (a job, a daily reconciliation). */
  actorId: number | null;
  action: AuditAction;
  /** The user the action concerns, if any. */
  subjectUserId?: number | null;
  /** What else a reader needs (a reason, a plan, a charge id, Stars). Never a secret or a token. */
  details?: Record<string, unknown>;
}

/**
 * Appends a record to the audit log. Pass the transaction of the change it records (in a bot
 * handler, `ctx.sql`), so the change and its record commit, or roll back, together: the log
 * never claims an action that did not happen, nor misses one that did. A handler run again
 * (Telegram redelivers) writes again only if it changes something again; callers record after
 * a change that reported it happened, not before an attempt.
 */
export async function recordAudit(sql: Queryable, entry: AuditEntry): Promise<void> {
  await sql`
    insert into audit_log (actor_id, action, subject_user_id, details)
    values (${entry.actorId}, ${entry.action}, ${entry.subjectUserId ?? null}, ${jsonb(sql, entry.details ?? {})})`;
}
