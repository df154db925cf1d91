import type { Document } from 'grammy/types';
import { badRequest } from '../apiErrors.js';
import { documentOf } from '../userMedia.js';
import type { MethodContext } from './MethodContext.js';

const WRONG_FILE = 'wrong file identifier/HTTP URL specified';

/**
 * The `document` parameter of sendDocument: an upload (`attach://<part>` as grammY sends it, or
 * a file part named `document`) kept with its bytes and the client's file name, so a test can
 * read what the bot sent; an HTTP URL (not fetched here: a fake file stands in); or the file_id
 * of a known document, reused as Telegram does. Errors in the server's words, as for photos.
 */
export async function readDocument(ctx: MethodContext): Promise<Document> {
  const value = ctx.params.optionalString('document');
  const uploaded = value?.startsWith('attach://') === true ? ctx.files.get(value.slice('attach://'.length)) : ctx.files.get('document');
  if (uploaded !== undefined) {
    return documentOf(ctx.world, { fileName: uploaded.filename || 'document', bytes: uploaded.bytes });
  }
  if (value === undefined || value === '') throw badRequest('there is no document in the request');
  if (value.startsWith('attach://')) throw badRequest(WRONG_FILE);
  if (/^https?:\/\//i.test(value)) return documentOf(ctx.world, { fileName: 'file', fileSize: 50_000 });
  const known = ctx.world.files.get(value);
  if (known === undefined || !known.file_path.startsWith('documents/')) throw badRequest(WRONG_FILE);
  return { file_id: known.file_id, file_unique_id: known.file_unique_id, file_size: known.file_size };
}
