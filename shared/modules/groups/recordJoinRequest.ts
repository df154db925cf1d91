import type { ChatJoinRequest } from 'grammy/types';
import type { Queryable } from '../../db/Queryable.js';

/**
 * Outcomes of a join request; see the `join_requests` table. `ignored`: left to the group's
 * admins because the group is not active; `requester_banned`: left to them because the bot's
 * operators banned the requester (no greeting, no approval).
 */
export type JoinRequestOutcome = 'pending' | 'approved' | 'already_handled' | 'ignored' | 'requester_banned' | 'failed';

/**
 * Logs a join request once. A duplicate delivery of the same request (same chat, user and
 * time) returns the existing row, whose outcome tells the caller whether anything is left
 * to do.
 */
export async function recordJoinRequest(sql: Queryable, request: ChatJoinRequest): Promise<{ id: number; outcome: JoinRequestOutcome }> {
  const [row] = await sql<{ id: number; outcome: JoinRequestOutcome }[]>`
    insert into join_requests as j (chat_id, user_id, user_chat_id, invite_link, requested_at)
    values (${request.chat.id}, ${request.from.id}, ${request.user_chat_id}, ${request.invite_link?.invite_link ?? null},
      to_timestamp(${request.date}))
    on conflict (chat_id, user_id, requested_at) do update set chat_id = j.chat_id
    returning id, outcome`;
  return row!;
}

/** Records what became of a join request. */
export async function finishJoinRequest(sql: Queryable, id: number, outcome: Exclude<JoinRequestOutcome, 'pending'>, details: { error?: string; greeted?: boolean } = {}): Promise<void> {
  await sql`
    update join_requests set outcome = ${outcome}, error = ${details.error ?? null}, greeted = ${details.greeted ?? false}, handled_at = now()
    where id = ${id}`;
}
