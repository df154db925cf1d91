import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import type { QuotaExceeded } from '../plans/quotaExceeded.js';
import { readPlanUsage } from '../plans/readPlanUsage.js';
import { readUserPlan, type UserPlan } from '../plans/readUserPlan.js';
import { type BulkImageRow, type NotCreatedReason, readBulkImages, readBulkUpload } from './bulkUploads.js';
import { nextFreeSlots } from './nextFreeSlot.js';
import { deleteDraft, insertSingleImageDraft, schedulePost } from './posts.js';

/** What limits a bulk upload, and by how much: what the summary before confirming tells. */
export interface BulkFit {
  images: BulkImageRow[];
  /** The posting slot each photo would take, in order (as many as there are photos, or none without slots). */
  slots: Date[];
  /** How many photos become posts if confirmed now. */
  fits: number;
  /** The first limit that keeps the rest out, with the numbers to tell; undefined when all fit. */
  limitedBy?: { reason: NotCreatedReason; plan: UserPlan; used: number; limit: number | null };
  accountId: number | null;
  caption: string;
}

/**
 * How many of the upload's photos would become posts now, and what stops the rest: the plan's
 * bulk size, its posts left this period, room in its queue (every post waits in a slot, so
 * every one counts toward it), and free posting slots. Read only: confirming checks again in
 * its transaction, where the count and the posts commit together.
 */
export async function fitBulkUpload(sql: Queryable, userId: number, bulkId: number, zone: string): Promise<BulkFit | undefined> {
  const bulk = await readBulkUpload(sql, userId, bulkId);
  if (!bulk) return undefined;
  const images = await readBulkImages(sql, bulkId);
  // What /plan shows, and what schedulePost counts: the queue without posts set aside when a plan ended.
  const { plan, postsUsed: used, queued } = await readPlanUsage(sql, userId);
  const slots = await nextFreeSlots(sql, userId, zone, images.length);
  const { postsPerMonth, queueSize, bulkUpload } = plan.limits;
  // In the order confirming meets them: the bulk size, then (per post, as schedulePost checks)
  // the queue, then the posts of the period; the slots last.
  const room: { reason: NotCreatedReason; left: number; used: number; limit: number | null }[] = [
    { reason: 'bulk', left: bulkUpload, used: images.length, limit: bulkUpload },
    { reason: 'queue', left: queueSize === null ? Infinity : queueSize - queued, used: queued, limit: queueSize },
    { reason: 'posts', left: postsPerMonth === null ? Infinity : postsPerMonth - used, used, limit: postsPerMonth },
    { reason: 'slots', left: slots.length, used: 0, limit: null },
  ];
  const fits = Math.max(0, Math.min(images.length, ...room.map((r) => r.left)));
  const limiting = fits < images.length ? room.find((r) => r.left <= fits) : undefined;
  return {
    images, slots, fits, accountId: bulk.account_id, caption: bulk.caption,
    ...(limiting ? { limitedBy: { reason: limiting.reason, plan, used: limiting.used, limit: limiting.limit } } : {}),
  };
}

/** What confirming did: the posts made (photo position, post, time) and the photos left out and why. */
export interface BulkOutcome {
  created: { position: number; postId: number; at: Date }[];
  notCreated: { position: number; reason: NotCreatedReason }[];
  /** The plan's refusal when posts or queue stopped it, for the quota message. */
  exceeded?: QuotaExceeded;
}

export type ScheduleBulkResult =
  | { status: 'scheduled'; outcome: BulkOutcome }
  /** Confirmed before (a second press, a redelivered one): nothing done again. */
  | { status: 'already'; created: number }
  /** Photos were added after the summary, or it was never shown: show it again. */
  | { status: 'changed' }
  | { status: 'gone' };

/**
 * Confirms a bulk upload: each photo becomes its own single-image post in the next free slots,
 * in the order received, each taking its unit of posts per month and its place in the queue
 * through schedulePost (the check /post's posts pass). All in one transaction that starts with
 * the upload's one transition from collecting to scheduled: a second press, or the same press
 * delivered twice, finds it scheduled and creates nothing. A photo the plan refuses is not
 * created (its draft is deleted in the same transaction) and neither is any after it: the
 * limits only tighten as posts are made.
 */
export async function scheduleBulkUpload(sql: Queryable, userId: number, bulkId: number, zone: string): Promise<ScheduleBulkResult> {
  return atomically(sql, async (tx) => {
    const [claimed] = await tx<{ account_id: number | null; caption: string }[]>`
      update bulk_uploads set state = 'scheduled', confirmed_at = now(), updated_at = now()
      where id = ${bulkId} and user_id = ${userId} and state = 'collecting' and step = 'confirm' and expires_at > now()
      returning account_id, caption`;
    if (!claimed) {
      const bulk = await readBulkUpload(tx, userId, bulkId);
      if (bulk?.state === 'scheduled') {
        const [{ created } = { created: 0 }] = await tx<{ created: number }[]>`
          select count(post_id)::int as created from bulk_upload_images where bulk_upload_id = ${bulkId}`;
        return { status: 'already' as const, created };
      }
      return bulk?.state === 'collecting' ? { status: 'changed' as const } : { status: 'gone' as const };
    }
    // The account was disconnected meanwhile: nothing to post to, so the upload ends cancelled.
    if (claimed.account_id === null) {
      await tx`update bulk_uploads set state = 'cancelled' where id = ${bulkId}`;
      return { status: 'gone' as const };
    }
    const images = await readBulkImages(tx, bulkId);
    const plan = await readUserPlan(tx, userId);
    const slots = await nextFreeSlots(tx, userId, zone, images.length);
    const outcome: BulkOutcome = { created: [], notCreated: [] };
    let refused: NotCreatedReason | undefined;
    for (const [i, image] of images.entries()) {
      const at = slots[i];
      const reason = i >= plan.limits.bulkUpload ? 'bulk' : refused ?? (at === undefined ? 'slots' : undefined);
      if (reason !== undefined || at === undefined) {
        outcome.notCreated.push({ position: image.position, reason: reason ?? 'slots' });
        continue;
      }
      const postId = await insertSingleImageDraft(tx, userId, claimed.account_id, claimed.caption, {
        fileId: image.telegram_file_id, fileUniqueId: image.file_unique_id, format: image.source_format, width: image.width, height: image.height,
      });
      const result = await schedulePost(tx, userId, postId, at);
      if (result.status === 'scheduled') {
        outcome.created.push({ position: image.position, postId, at });
        continue;
      }
      await deleteDraft(tx, postId);
      if (result.status !== 'quota') throw new Error(`scheduleBulkUpload: a new draft ${postId} could not be scheduled (${result.status})`);
      refused = result.exceeded.kind === 'posts' ? 'posts' : 'queue';
      outcome.exceeded = result.exceeded;
      outcome.notCreated.push({ position: image.position, reason: refused });
    }
    for (const c of outcome.created) {
      await tx`update bulk_upload_images set post_id = ${c.postId} where bulk_upload_id = ${bulkId} and position = ${c.position}`;
    }
    for (const n of outcome.notCreated) {
      await tx`update bulk_upload_images set not_created = ${n.reason} where bulk_upload_id = ${bulkId} and position = ${n.position}`;
    }
    return { status: 'scheduled' as const, outcome };
  });
}
