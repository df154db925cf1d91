import type { Document, PhotoSize } from 'grammy/types';

/** The documents taken as pictures (the formats prepareImage reads). */
const ACCEPTED_MIME = new Set(['image/jpeg', 'image/png', 'image/webp']);

/**
 * The image in a message, as /post and /bulk take it: a photo (its largest size) or an image
 * sent as a file; `unsupported` for a file of another type; undefined when there is none.
 */
export function messageImage(msg: { photo?: PhotoSize[]; document?: Document }):
  | { kind: 'ok'; fileId: string; fileUniqueId: string; size: number | undefined }
  | { kind: 'unsupported'; mime: string | undefined }
  | undefined {
  const photo = msg.photo?.at(-1);
  if (photo) return { kind: 'ok', fileId: photo.file_id, fileUniqueId: photo.file_unique_id, size: photo.file_size };
  const doc = msg.document;
  if (!doc) return undefined;
  if (!ACCEPTED_MIME.has(doc.mime_type ?? '')) return { kind: 'unsupported', mime: doc.mime_type };
  return { kind: 'ok', fileId: doc.file_id, fileUniqueId: doc.file_unique_id, size: doc.file_size };
}
