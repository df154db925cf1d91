import type { Queryable } from '../../db/Queryable.js';
import { jobHandler } from '../../queue/jobHandler.js';
import { deleteStoredCopiesJob } from './deleteStoredCopiesJob.js';
import type { DropboxStorage } from './DropboxStorage.js';

/** Deletes a post's Dropbox copies not deleted yet, recording each; one already gone counts as deleted. Safe to run again. */
export async function deleteStoredCopies(sql: Queryable, storage: DropboxStorage, postId: number): Promise<number> {
  const images = await sql<{ position: number; dropbox_path: string }[]>`
    select position, dropbox_path from post_images where post_id = ${postId} and dropbox_path is not null and dropbox_deleted_at is null`;
  for (const image of images) {
    await storage.delete(image.dropbox_path);
    await sql`update post_images set dropbox_deleted_at = now() where post_id = ${postId} and position = ${image.position}`;
  }
  return images.length;
}

/** The handler of {@link deleteStoredCopiesJob}. */
export function deleteStoredCopiesHandler(deps: { storage: DropboxStorage }) {
  return jobHandler(deleteStoredCopiesJob, async ({ postId }, ctx) => {
    const deleted = await deleteStoredCopies(ctx.sql, deps.storage, postId);
    ctx.log.info({ deleted }, 'Dropbox copies deleted after the retention period');
  });
}
