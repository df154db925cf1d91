import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { recordAudit } from '../audit/recordAudit.js';
import { releasePost } from '../plans/releasePost.js';
import type { Keyring } from './Keyring.js';
import { decryptSecret, encryptSecret } from './secretCipher.js';

// The `instagram_accounts` table's queries. Page tokens go in and out only through
// encryptSecret/decryptSecret with this context (bound as AAD: a ciphertext copied to another
// column does not decrypt), so no query here ever sees a token in plain text.
export const PAGE_TOKEN_CONTEXT = 'instagram_accounts.page_token_encrypted';

/** A connected account as the bot shows it (never with its token). */
export interface InstagramAccountRow {
  id: number;
  user_id: number;
  ig_user_id: string;
  page_id: string;
  username: string;
  followers_count: number | null;
  is_default: boolean;
  needs_reconnect: boolean;
}

const COLUMNS = 'id, user_id, ig_user_id, page_id, username, followers_count, is_default, needs_reconnect';

/** A user's accounts, the default first. */
export async function readAccounts(sql: Queryable, userId: number): Promise<InstagramAccountRow[]> {
  return sql<InstagramAccountRow[]>`
    select ${sql.unsafe(COLUMNS)} from instagram_accounts where user_id = ${userId} order by is_default desc, id`;
}

/** One account of a user (undefined if it is not theirs or gone). */
export async function readAccount(sql: Queryable, userId: number, accountId: number): Promise<InstagramAccountRow | undefined> {
  const [row] = await sql<InstagramAccountRow[]>`
    select ${sql.unsafe(COLUMNS)} from instagram_accounts where id = ${accountId} and user_id = ${userId}`;
  return row;
}

/** The user's default account, if any. */
export async function readDefaultAccount(sql: Queryable, userId: number): Promise<InstagramAccountRow | undefined> {
  const [row] = await sql<InstagramAccountRow[]>`
    select ${sql.unsafe(COLUMNS)} from instagram_accounts where user_id = ${userId} order by is_default desc, id limit 1`;
  return row;
}

/** An account's Page token, decrypted for one Graph call; keep it in a local, never log it. */
export async function readPageToken(sql: Queryable, keyring: Keyring, accountId: number): Promise<string | undefined> {
  const [row] = await sql<{ page_token_encrypted: string }[]>`select page_token_encrypted from instagram_accounts where id = ${accountId}`;
  return row && decryptSecret(keyring, row.page_token_encrypted, PAGE_TOKEN_CONTEXT);
}

/** What {@link saveAccount} stores. */
export interface ConnectedAccount {
  igUserId: string;
  pageId: string;
  username: string;
  followersCount: number | null;
}

/**
 * Connects an account, or replaces the token of one already connected (a reconnect clears
 * `needs_reconnect`). The first account becomes the default. The growth bot's /username username
 * defaults to it when the user has none: one product, one identity. Refused ('limit') beyond
 * `maxAccounts` new accounts (null: no limit; the plan's). Safe to run twice. Each connection
 * and reconnection is written to the audit log (never the token).
 */
export async function saveAccount(sql: Queryable, keyring: Keyring, userId: number, account: ConnectedAccount, pageToken: string,
  options: { maxAccounts: number | null }): Promise<{ status: 'connected' | 'reconnected'; id: number } | { status: 'limit'; max: number; count: number }> {
  const encrypted = encryptSecret(keyring, pageToken, PAGE_TOKEN_CONTEXT);
  return atomically(sql, async (tx) => {
    // Serialises one user's connects, so two at once cannot both pass the limit.
    await tx`select id from users where id = ${userId} for update`;
    const [existing] = await tx<{ id: number }[]>`
      select id from instagram_accounts where user_id = ${userId} and ig_user_id = ${account.igUserId}`;
    if (existing) {
      await tx`
        update instagram_accounts set page_token_encrypted = ${encrypted}, page_id = ${account.pageId}, username = ${account.username},
          followers_count = ${account.followersCount}, needs_reconnect = false, reconnect_notified_at = null, updated_at = now()
        where id = ${existing.id}`;
      await recordAudit(tx, { actorId: userId, action: 'instagram.connect', subjectUserId: userId,
        details: { account_id: existing.id, ig_user_id: account.igUserId, username: account.username, reconnect: true } });
      return { status: 'reconnected' as const, id: existing.id };
    }
    const [counted] = await tx<{ count: number }[]>`select count(*)::int as count from instagram_accounts where user_id = ${userId}`;
    const count = counted?.count ?? 0;
    if (options.maxAccounts !== null && count >= options.maxAccounts) return { status: 'limit' as const, max: options.maxAccounts, count };
    const [row] = await tx<{ id: number }[]>`
      insert into instagram_accounts (user_id, ig_user_id, page_id, username, followers_count, page_token_encrypted, is_default)
      values (${userId}, ${account.igUserId}, ${account.pageId}, ${account.username}, ${account.followersCount}, ${encrypted}, ${count === 0})
      returning id`;
    const username = account.username.toLowerCase();
    if (/^[a-z0-9._]{1,30}$/.test(username)) {
      await tx`update users set live_username = ${username}, updated_at = now() where id = ${userId} and live_username is null`;
    }
    await recordAudit(tx, { actorId: userId, action: 'instagram.connect', subjectUserId: userId,
      details: { account_id: row!.id, ig_user_id: account.igUserId, username: account.username, reconnect: false } });
    return { status: 'connected' as const, id: row!.id };
  });
}

/** Makes an account the user's default. False if it is not theirs. */
export async function setDefaultAccount(sql: Queryable, userId: number, accountId: number): Promise<boolean> {
  return atomically(sql, async (tx) => {
    const [mine] = await tx`select id from instagram_accounts where id = ${accountId} and user_id = ${userId} for update`;
    if (!mine) return false;
    await tx`update instagram_accounts set is_default = false, updated_at = now() where user_id = ${userId} and is_default and id <> ${accountId}`;
    await tx`update instagram_accounts set is_default = true, updated_at = now() where id = ${accountId}`;
    return true;
  });
}

/**
 * Disconnects an account: its token is deleted with the row, and its posts not yet out are
 * cancelled (the count is returned). Another account becomes the default. Null if not theirs.
 * Written to the audit log.
 */
export async function disconnectAccount(sql: Queryable, userId: number, accountId: number): Promise<{ username: string; cancelledPosts: number } | null> {
  return atomically(sql, async (tx) => {
    const [row] = await tx<{ username: string; is_default: boolean; ig_user_id: string }[]>`
      select username, is_default, ig_user_id from instagram_accounts where id = ${accountId} and user_id = ${userId} for update`;
    if (!row) return null;
    // 'publishing' is left alone: the job holds it and finishes (or fails) on its own.
    const cancelled = await tx`
      update posts set state = 'cancelled', version = version + 1, updated_at = now()
      where account_id = ${accountId} and state in ('draft', 'scheduled', 'paused') returning id`;
    for (const post of cancelled) await releasePost(tx, Number(post.id));
    await tx`delete from instagram_accounts where id = ${accountId}`;
    await recordAudit(tx, { actorId: userId, action: 'instagram.disconnect', subjectUserId: userId,
      details: { account_id: accountId, ig_user_id: row.ig_user_id, username: row.username, cancelled_posts: cancelled.length } });
    if (row.is_default) {
      await tx`
        update instagram_accounts set is_default = true, updated_at = now()
        where id = (select id from instagram_accounts where user_id = ${userId} order by id limit 1)`;
    }
    return { username: row.username, cancelledPosts: cancelled.length };
  });
}

/**
 * Marks an account whose token Graph rejected. True only the first time since it was last
 * connected: the caller tells the user then, and only then.
 */
export async function markNeedsReconnect(sql: Queryable, accountId: number): Promise<boolean> {
  const rows = await sql`
    update instagram_accounts set needs_reconnect = true, reconnect_notified_at = now(), updated_at = now()
    where id = ${accountId} and reconnect_notified_at is null returning id`;
  return rows.length > 0;
}
