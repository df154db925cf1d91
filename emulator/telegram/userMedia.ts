import { randomInt } from 'node:crypto';
import type { Document, Message, PhotoSize } from 'grammy/types';
import sharp from 'sharp';
import { detectEntities } from './detectEntities.js';
import { compact, type World } from './World.js';

/**
 * The sides Telegram scales a photo to: thumbnails of at most 90 ("s"), 320 ("m"), 800 ("x"),
 * 1280 ("y") and 2560 ("w") px on the longer side. Apps send a compressed photo at most 2560 px
 * long; the bot gets every size below the photo's own plus the photo itself, smallest first.
 */
const PHOTO_SIDES = [90, 320, 800, 1280, 2560] as const;
const MAX_PHOTO_SIDE = 2560;
/** Documents get a JPEG thumbnail of at most 320 px (Bot API: "Thumbnail's width and height should not exceed 320"). */
const THUMBNAIL_SIDE = 320;

/** A caption and its entities as a Telegram app would attach them. */
export function captionFields(caption: string | undefined): Partial<Message> {
  if (caption === undefined || caption === '') return {};
  const entities = detectEntities(caption);
  return entities.length === 0 ? { caption } : { caption, caption_entities: entities };
}

/**
 * The PhotoSize array Telegram makes of an image a user sends as a photo: recompressed to JPEG,
 * at most 2560 px on the longer side, with smaller copies. Every size is a real JPEG file the bot
 * can download with getFile. Throws if the bytes are no image (a Telegram app would not send it).
 */
export async function photoSizesOf(world: World, bytes: Buffer): Promise<PhotoSize[]> {
  const source = sharp(bytes, { failOn: 'error' }).rotate();
  const { width = 0, height = 0 } = await source.metadata().then((m) => m.autoOrient ?? m);
  if (width === 0 || height === 0) throw new Error('not an image');
  const longest = Math.max(width, height);
  const sides = [...PHOTO_SIDES.filter((side) => side < Math.min(longest, MAX_PHOTO_SIDE)), Math.min(longest, MAX_PHOTO_SIDE)];
  const sizes: PhotoSize[] = [];
  for (const side of sides) {
    const { data, info } = await sharp(bytes).rotate()
      .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 87 }).toBuffer({ resolveWithObject: true });
    const file = world.addFile('photos', data.length, data);
    sizes.push({ file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, width: info.width, height: info.height });
  }
  return sizes;
}

/** A Document for a file a user sends "as a file": name, mime type, size, and a thumbnail for images. */
export async function documentOf(world: World, options: { fileName: string; bytes?: Buffer; fileSize?: number; mimeType?: string }): Promise<Document> {
  const size = options.fileSize ?? options.bytes?.length ?? 0;
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(options.fileName)?.[1]?.toLowerCase() ?? 'dat';
  const file = world.addFile('documents', size, options.bytes, extension);
  let thumbnail: PhotoSize | undefined;
  if (options.bytes !== undefined) {
    try {
      const { data, info } = await sharp(options.bytes).rotate()
        .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 80 }).toBuffer({ resolveWithObject: true });
      const thumb = world.addFile('thumbnails', data.length, data, 'jpg');
      thumbnail = { file_id: thumb.file_id, file_unique_id: thumb.file_unique_id, file_size: thumb.file_size, width: info.width, height: info.height };
    } catch {
      // Not an image: Telegram sends documents without a thumbnail then.
    }
  }
  return compact({
    file_name: options.fileName,
    mime_type: options.mimeType ?? MIME_TYPES[extension] ?? 'application/octet-stream',
    thumbnail,
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: size,
  }) as Document;
}

const MIME_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', heic: 'image/heic',
  tif: 'image/tiff', tiff: 'image/tiff', bmp: 'image/bmp', pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', zip: 'application/zip',
};

/**
 * A media_group_id as Telegram sends it: a numeric string too large for a double, so code that
 * parses it as a number fails here too.
 */
export function newMediaGroupId(): string {
  // 17 digits from 1e16 (above 2^53) and odd: no odd integer above 2^53 is a double.
  return `1${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e6)).padStart(6, '0')}${1 + 2 * randomInt(5)}`;
}
