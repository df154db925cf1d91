import type { Queryable } from '../../db/Queryable.js';

/**
 * Marks a join request's welcome DM as sent before it is sent, so a retried update never
 * greets twice (a crash between the mark and the send loses the greeting instead: it is a
 * courtesy, a second copy would be a bug). True when this caller won the mark.
 */
export async function claimJoinGreeting(sql: Queryable, joinRequestId: number): Promise<boolean> {
  const rows = await sql`update join_requests set greeted = true where id = ${joinRequestId} and not greeted returning id`;
  return rows.length === 1;
}

/** Takes the mark back when Telegram refused the greeting, so `greeted` tells the truth. */
export async function releaseJoinGreeting(sql: Queryable, joinRequestId: number): Promise<void> {
  await sql`update join_requests set greeted = false where id = ${joinRequestId}`;
}
