import type { Queryable } from '../db/Queryable.js';

/** A group as the Groups page lists it, with its join requests counted by outcome. */
export interface GroupListRow {
  id: number;
  chat_id: number;
  title: string | null;
  type: string;
  active: boolean;
  admin_user_id: number | null;
  registered_at: Date | null;
  activated_at: Date | null;
  deactivated_at: Date | null;
  deactivated_reason: string | null;
  join_requests: number;
  join_requests_approved: number;
  join_requests_failed: number;
}

/** Groups, `active`, `deactivated` (with reason and when) or all; most recently changed first. */
export async function listGroups(sql: Queryable, status: 'active' | 'deactivated' | 'all', limit: number): Promise<GroupListRow[]> {
  const where = status === 'active' ? sql`g.active` : status === 'deactivated' ? sql`not g.active and g.deactivated_at is not null` : sql`true`;
  return [...await sql<GroupListRow[]>`
    select g.id, g.chat_id, g.title, g.type, g.active, g.admin_user_id, g.registered_at, g.activated_at, g.deactivated_at, g.deactivated_reason,
      coalesce(j.total, 0)::int as join_requests, coalesce(j.approved, 0)::int as join_requests_approved, coalesce(j.failed, 0)::int as join_requests_failed
    from groups g
    left join lateral (
      select count(*) as total, count(*) filter (where outcome = 'approved') as approved, count(*) filter (where outcome = 'failed') as failed
      from join_requests r where r.chat_id = g.chat_id
    ) j on true
    where ${where} order by g.updated_at desc, g.id desc limit ${limit}`];
}
