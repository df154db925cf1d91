import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import type { ReceivedImage } from './posts.js';

// The `bulk_uploads` and `bulk_upload_images` tables' queries for /bulk. Confirming (the
// photos becoming posts) is scheduleBulkUpload.ts.

export type BulkState = 'collecting' | 'scheduled' | 'cancelled';
export type BulkStep = 'images' | 'caption' | 'confirm';
/** Why a photo did not become a post: see the migration. */
export type NotCreatedReason = 'posts' | 'queue' | 'slots' | 'bulk';

export interface BulkUploadRow {
  id: number;
  user_id: number;
  account_id: number | null;
  state: BulkState;
  step: BulkStep;
  caption: string;
  full_told_group: string | null;
  expires_at: Date;
}

export interface BulkImageRow {
  position: number;
  telegram_file_id: string;
  file_unique_id: string;
  source_format: string;
  width: number;
  height: number;
  changes: string[];
  post_id: number | null;
  not_created: NotCreatedReason | null;
}

/** How long a bulk upload waits for its photos and its confirmation: a day, as a /post draft. */
export const BULK_TTL_MS = 24 * 3_600_000;

const expiry = () => new Date(Date.now() + BULK_TTL_MS);

/** Starts a bulk upload to the account, cancelling the user's open one (one at a time, as /post). */
export async function startBulkUpload(sql: Queryable, userId: number, accountId: number): Promise<number> {
  return atomically(sql, async (tx) => {
    await tx`update bulk_uploads set state = 'cancelled', updated_at = now() where user_id = ${userId} and state = 'collecting'`;
    const [row] = await tx<{ id: number }[]>`
      insert into bulk_uploads (user_id, account_id, expires_at) values (${userId}, ${accountId}, ${expiry()}) returning id`;
    return row!.id;
  });
}

/** A bulk upload of this user, in any state; an expired one that was still collecting reads as cancelled. */
export async function readBulkUpload(sql: Queryable, userId: number, id: number): Promise<BulkUploadRow | undefined> {
  const [row] = await sql<BulkUploadRow[]>`
    select id, user_id, account_id,
      case when state = 'collecting' and expires_at <= now() then 'cancelled' else state end as state,
      step, caption, full_told_group, expires_at
    from bulk_uploads where id = ${id} and user_id = ${userId}`;
  return row;
}

/** Its photos in the order received. */
export async function readBulkImages(sql: Queryable, bulkId: number): Promise<BulkImageRow[]> {
  return sql<BulkImageRow[]>`
    select position, telegram_file_id, file_unique_id, source_format, width, height, changes, post_id, not_created
    from bulk_upload_images where bulk_upload_id = ${bulkId} order by position`;
}

/** How many photos it holds. */
export async function countBulkImages(sql: Queryable, bulkId: number): Promise<number> {
  const [row] = await sql<{ count: number }[]>`select count(*)::int as count from bulk_upload_images where bulk_upload_id = ${bulkId}`;
  return row?.count ?? 0;
}

/**
 * Adds a photo at the next position, within `limit` photos (the plan's bulk size). The same
 * file again (a redelivered update, a photo sent twice) is kept once: 'duplicate'. 'full' adds
 * nothing: what was received stays. 'gone' when the upload is no longer collecting. Adding sets
 * the step back to `images`, so a summary shown before it cannot be confirmed as it was.
 */
export async function addBulkImage(sql: Queryable, bulkId: number, image: ReceivedImage & { changes: readonly string[] }, limit: number):
  Promise<{ status: 'added' | 'duplicate' | 'full'; count: number } | { status: 'gone' }> {
  return atomically(sql, async (tx) => {
    const [bulk] = await tx`select id from bulk_uploads where id = ${bulkId} and state = 'collecting' and expires_at > now() for update`;
    if (!bulk) return { status: 'gone' as const };
    const count = await countBulkImages(tx, bulkId);
    const [existing] = await tx`select 1 from bulk_upload_images where bulk_upload_id = ${bulkId} and file_unique_id = ${image.fileUniqueId}`;
    if (existing) return { status: 'duplicate' as const, count };
    if (count >= limit) return { status: 'full' as const, count };
    await tx`
      insert into bulk_upload_images (bulk_upload_id, position, telegram_file_id, file_unique_id, source_format, width, height, changes)
      values (${bulkId}, ${count + 1}, ${image.fileId}, ${image.fileUniqueId}, ${image.format}, ${image.width}, ${image.height}, ${image.changes as string[]})`;
    await tx`update bulk_uploads set step = 'images', expires_at = ${expiry()}, updated_at = now() where id = ${bulkId}`;
    return { status: 'added' as const, count: count + 1 };
  });
}

/** Changes a collecting upload's fields (and keeps it alive). False when it is no longer collecting. */
export async function updateBulkUpload(sql: Queryable, bulkId: number,
  fields: Partial<{ step: BulkStep; caption: string; full_told_group: string }>): Promise<boolean> {
  const rows = await sql`
    update bulk_uploads set ${sql({ ...fields, expires_at: expiry(), updated_at: new Date() } as Record<string, unknown>)}
    where id = ${bulkId} and state = 'collecting' and expires_at > now() returning id`;
  return rows.length > 0;
}

/** Cancels a collecting upload; what it is otherwise ('scheduled' stays scheduled). */
export async function cancelBulkUpload(sql: Queryable, userId: number, bulkId: number): Promise<'cancelled' | 'scheduled' | 'not-found'> {
  const rows = await sql`
    update bulk_uploads set state = 'cancelled', updated_at = now()
    where id = ${bulkId} and user_id = ${userId} and state = 'collecting' returning id`;
  if (rows.length) return 'cancelled';
  const row = await readBulkUpload(sql, userId, bulkId);
  return row?.state === 'scheduled' ? 'scheduled' : row ? 'cancelled' : 'not-found';
}
