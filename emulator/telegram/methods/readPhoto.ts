import type { PhotoSize } from 'grammy/types';
import { badRequest } from '../apiErrors.js';
import type { MethodContext } from './MethodContext.js';
import { photoSizes } from './messageMethods.js';
import { photoSizesOf } from '../userMedia.js';

const WRONG_FILE = 'wrong file identifier/HTTP URL specified';

/**
 * The `photo` parameter of sendPhoto as PhotoSize objects: an upload (`attach://<part>` as
 * grammY sends it, or a file part named `photo`; a real image gets Telegram's sizes of it), an HTTP URL (not fetched: no internet here,
 * a fake 50 kB file stands in), or the file_id of a known photo, reused as Telegram does.
 */
export async function readPhoto(ctx: MethodContext): Promise<PhotoSize[]> {
  const value = ctx.params.optionalString('photo');
  const uploaded = value?.startsWith('attach://') === true ? ctx.files.get(value.slice('attach://'.length)) : ctx.files.get('photo');
  if (uploaded !== undefined) {
    // A real image gets the sizes Telegram makes of it (recompressed JPEGs, real dimensions).
    const real = await photoSizesOf(ctx.world, uploaded.bytes).catch(() => undefined);
    if (real !== undefined) return real;
    // Bytes that are no image: Telegram answers IMAGE_PROCESS_FAILED; the emulator keeps
    // placeholder sizes so tests can send any bytes as a photo.
    const sizes = photoSizes(ctx, uploaded.bytes.length);
    const largest = ctx.world.files.get(sizes[sizes.length - 1]?.file_id ?? '');
    if (largest !== undefined) largest.bytes = uploaded.bytes;
    return sizes;
  }
  if (value === undefined || value === '') throw badRequest('there is no photo in the request');
  if (value.startsWith('attach://')) throw badRequest(WRONG_FILE);
  if (/^https?:\/\//i.test(value)) return photoSizes(ctx, 50_000);
  const known = ctx.world.files.get(value);
  if (known === undefined || !known.file_path.startsWith('photos/')) throw badRequest(WRONG_FILE);
  return [{ file_id: known.file_id, file_unique_id: known.file_unique_id, file_size: known.file_size, width: 800, height: 600 }];
}
