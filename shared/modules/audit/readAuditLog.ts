import type { Queryable } from '../../db/Queryable.js';

/** An audit record as read back. */
export interface AuditRow {
  id: number;
  actorId: number | null;
  action: string;
  subjectUserId: number | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** The latest records about a user, newest first. */
export async function readAuditLog(sql: Queryable, subjectUserId: number, limit = 10): Promise<AuditRow[]> {
  return sql<AuditRow[]>`
    select id, actor_id as "actorId", action, subject_user_id as "subjectUserId", details, created_at as "createdAt"
    from audit_log where subject_user_id = ${subjectUserId} order by id desc limit ${limit}`;
}
