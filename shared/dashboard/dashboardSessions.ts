import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/Queryable.js';

/** A signed-in dashboard user. */
export interface DashboardSession {
  userId: number;
  role: DashboardRole;
  csrfToken: string;
  expiresAt: Date;
}

/** `admin` may act; `viewer` sees everything and changes nothing. */
export type DashboardRole = 'admin' | 'viewer';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Starts a session; returns the cookie's token (stored only as its hash). Expired sessions are swept here. */
export async function createDashboardSession(sql: Queryable, s: { userId: number; role: DashboardRole; method: 'widget' | 'oidc'; minutes: number }):
  Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await sql`delete from dashboard_sessions where expires_at < now()`;
  const [row] = await sql<{ expires_at: Date }[]>`
    insert into dashboard_sessions (token_hash, user_id, role, csrf_token, method, expires_at)
    values (${hashToken(token)}, ${s.userId}, ${s.role}, ${csrfToken}, ${s.method}, now() + make_interval(mins => ${s.minutes}))
    returning expires_at`;
  return { token, csrfToken, expiresAt: row!.expires_at };
}

/** The live session of a cookie token, or undefined (unknown, expired). */
export async function readDashboardSession(sql: Queryable, token: string): Promise<DashboardSession | undefined> {
  const [row] = await sql<DashboardSession[]>`
    select user_id as "userId", role, csrf_token as "csrfToken", expires_at as "expiresAt"
    from dashboard_sessions where token_hash = ${hashToken(token)} and expires_at > now()`;
  return row;
}

/** Ends a session (sign-out, or a user who lost their role). */
export async function deleteDashboardSession(sql: Queryable, token: string): Promise<void> {
  await sql`delete from dashboard_sessions where token_hash = ${hashToken(token)}`;
}
