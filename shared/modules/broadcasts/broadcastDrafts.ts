import type { MessageEntity } from 'grammy/types';
import { jsonb } from '../../db/jsonb.js';
import type { Queryable } from '../../db/Queryable.js';

/** A broadcast being composed or running, as the admin's DM needs it. */
export interface BroadcastRow {
  id: number;
  adminUserId: number;
  audience: 'groups' | 'users' | null;
  text: string | null;
  entities: MessageEntity[] | null;
  photoFileId: string | null;
  state: 'draft' | 'running' | 'finished' | 'cancelled';
}

const columns = (sql: Queryable) => sql`id, admin_user_id as "adminUserId", audience, text, entities, photo_file_id as "photoFileId", state`;

/** Starts a draft, abandoning the admin's earlier ones (one conversation at a time). */
export async function createDraft(sql: Queryable, adminUserId: number, adminChatId: number, locale: string): Promise<number> {
  await sql`update broadcasts set state = 'cancelled', finished_at = now() where admin_user_id = ${adminUserId} and state = 'draft'`;
  const [row] = await sql<{ id: number }[]>`
    insert into broadcasts (admin_user_id, admin_chat_id, admin_locale) values (${adminUserId}, ${adminChatId}, ${locale}) returning id`;
  return row!.id;
}

/** The admin's draft that waits for its content (audience chosen, nothing sent yet). */
export async function readDraftAwaitingContent(sql: Queryable, adminUserId: number): Promise<BroadcastRow | null> {
  const [row] = await sql<BroadcastRow[]>`
    select ${columns(sql)} from broadcasts
    where admin_user_id = ${adminUserId} and state = 'draft' and audience is not null and text is null and photo_file_id is null`;
  return row ?? null;
}

/** Reads a broadcast of this admin. */
export async function readBroadcast(sql: Queryable, id: number, adminUserId: number): Promise<BroadcastRow | null> {
  const [row] = await sql<BroadcastRow[]>`select ${columns(sql)} from broadcasts where id = ${id} and admin_user_id = ${adminUserId}`;
  return row ?? null;
}

/** Sets a draft's audience; false if it is no longer a draft. */
export async function setDraftAudience(sql: Queryable, id: number, adminUserId: number, audience: 'groups' | 'users'): Promise<boolean> {
  const rows = await sql`update broadcasts set audience = ${audience} where id = ${id} and admin_user_id = ${adminUserId} and state = 'draft' returning id`;
  return rows.length > 0;
}

/** Stores a draft's content: text with entities, and optionally a photo. */
export async function setDraftContent(sql: Queryable, id: number, content: { text: string | null; entities: MessageEntity[] | null; photoFileId: string | null }): Promise<void> {
  await sql`
    update broadcasts set text = ${content.text}, entities = ${content.entities ? jsonb(sql, content.entities) : null},
      photo_file_id = ${content.photoFileId}
    where id = ${id} and state = 'draft'`;
}

/** Abandons a draft; false if it was not one. */
export async function cancelDraft(sql: Queryable, id: number, adminUserId: number): Promise<boolean> {
  const rows = await sql`update broadcasts set state = 'cancelled', finished_at = now() where id = ${id} and admin_user_id = ${adminUserId} and state = 'draft' returning id`;
  return rows.length > 0;
}

/** How many would receive a broadcast to each audience now. */
export async function countAudiences(sql: Queryable): Promise<{ groups: number; users: number }> {
  const [row] = await sql<{ groups: number; users: number }[]>`
    select (select count(*)::int from groups where active) as groups,
      (select count(*)::int from users where unreachable_since is null and banned_at is null) as users`;
  return row!;
}
