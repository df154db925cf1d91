import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { ACCEPTED_IMAGE_FORMATS, INSTAGRAM_IMAGE_RULES as RULES } from './instagramImageRules.js';

/** How a picture outside 4:5–1.91:1 is brought into range. */
export type FitMode = 'pad' | 'crop';

/** What was done to the picture, for telling the user. */
export type ImageChange = 'converted' | 'resized' | 'padded' | 'cropped' | 'rotated' | 'recompressed';

/** An image ready for Instagram, to show back to the user before they confirm. */
export interface PreparedImage {
  /** JPEG, sRGB, within every rule of {@link RULES}. */
  bytes: Buffer;
  width: number;
  height: number;
  original: { format: string; width: number; height: number; bytes: number };
  /** In the order applied; empty when the picture was already a fitting JPEG (it is still re-encoded). */
  changes: ImageChange[];
}

/** Why an image cannot be prepared. */
export type ImageRejection = 'not-an-image' | 'unsupported-format' | 'too-large';

/** An image the user must replace; `message` is English for logs, `reason` is for the user's language. */
export class ImageRejectedError extends Error {
  readonly reason: ImageRejection;
  /** The detected format, for 'unsupported-format'. */
  readonly format: string | undefined;

  constructor(reason: ImageRejection, format?: string) {
    super(reason === 'unsupported-format'
      ? `unsupported image format ${format ?? '?'}: send ${ACCEPTED_IMAGE_FORMATS.map((f) => f.toUpperCase()).join(', ')}`
      : reason === 'not-an-image' ? 'not an image' : 'the image cannot be made smaller than 8 MiB');
    this.name = 'ImageRejectedError';
    this.reason = reason;
    this.format = format;
  }
}

/** Options of {@link prepareImage}. */
export interface PrepareImageOptions {
  /** Outside 4:5–1.91:1: pad to the nearest limit (nothing lost) or crop the centre. @default 'pad' */
  fit?: FitMode;
  /** The padding's colour (also what transparency becomes). @default '#ffffff' */
  background?: string;
}

// Quality steps tried in turn until the JPEG is under 8 MiB; 1440×1800 at 90 is normally well under.
const QUALITIES = [90, 80, 70, 60, 50] as const;

/**
 * Turns a user's picture (JPEG, PNG or WebP) into what Instagram publishes as it is: JPEG in
 * sRGB, EXIF orientation applied, 320–1440 px wide (scaled), ratio 4:5–1.91:1 by padding or
 * cropping as asked, under 8 MiB. Returns the result and what changed, so the bot can show it
 * before the user confirms. Throws {@link ImageRejectedError} for anything else.
 */
export async function prepareImage(input: Buffer, options: PrepareImageOptions = {}): Promise<PreparedImage> {
  const fit = options.fit ?? 'pad';
  const background = options.background ?? '#ffffff';
  let metadata: Metadata;
  try {
    metadata = await sharp(input).metadata();
  } catch {
    throw new ImageRejectedError('not-an-image');
  }
  const format = metadata.format ?? 'unknown';
  if (!(ACCEPTED_IMAGE_FORMATS as readonly string[]).includes(format)) throw new ImageRejectedError('unsupported-format', format);
  const changes: ImageChange[] = [];
  if (format !== 'jpeg') changes.push('converted');
  if ((metadata.orientation ?? 1) > 1) changes.push('rotated');

  // Stage 1: orientation, transparency, colour space, then the ratio, as raw pixels.
  let image: { data: Buffer; info: OutputInfo };
  try {
    image = await sharp(input, { failOn: 'error' }).rotate().flatten({ background }).toColourspace('srgb').removeAlpha()
      .raw().toBuffer({ resolveWithObject: true });
  } catch {
    throw new ImageRejectedError('not-an-image');
  }
  const raw = () => sharp(image.data, { raw: { width: image.info.width, height: image.info.height, channels: image.info.channels } });
  const { width: w, height: h } = image.info;
  const ratio = w / h;
  if (ratio > RULES.maxRatio || ratio < RULES.minRatio) {
    const tooWide = ratio > RULES.maxRatio;
    if (fit === 'pad') {
      const [canvasW, canvasH] = tooWide ? [w, Math.ceil(w / RULES.maxRatio)] : [Math.ceil(h * RULES.minRatio), h];
      const top = Math.floor((canvasH - h) / 2);
      const left = Math.floor((canvasW - w) / 2);
      image = await raw().extend({ top, bottom: canvasH - h - top, left, right: canvasW - w - left, background })
        .raw().toBuffer({ resolveWithObject: true });
      changes.push('padded');
    } else {
      const [cropW, cropH] = tooWide ? [Math.floor(h * RULES.maxRatio), h] : [w, Math.floor(w / RULES.minRatio)];
      image = await raw().extract({ left: Math.floor((w - cropW) / 2), top: Math.floor((h - cropH) / 2), width: cropW, height: cropH })
        .raw().toBuffer({ resolveWithObject: true });
      changes.push('cropped');
    }
  }

  // Stage 2: the width into 320–1440, keeping the ratio in range after rounding.
  const [targetW, targetH] = targetSize(image.info.width, image.info.height);
  let resized = raw();
  if (targetW !== image.info.width || targetH !== image.info.height) {
    resized = resized.resize({ width: targetW, height: targetH, fit: 'fill' });
    changes.push('resized');
  }
  const pixels = await resized.raw().toBuffer({ resolveWithObject: true });

  // Stage 3: JPEG with an sRGB profile, at the best quality under 8 MiB.
  for (const [index, quality] of QUALITIES.entries()) {
    const bytes = await sharp(pixels.data, { raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels } })
      .withIccProfile('srgb').jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
    if (bytes.length < RULES.maxBytes) {
      if (index > 0) changes.push('recompressed');
      return { bytes, width: targetW, height: targetH, changes,
        original: { format, width: metadata.autoOrient?.width ?? metadata.width ?? 0, height: metadata.autoOrient?.height ?? metadata.height ?? 0, bytes: input.length } };
    }
  }
  throw new ImageRejectedError('too-large');
}

/** The output size: width clamped to 320–1440, height scaled, nudged by a pixel if rounding left the ratio range. */
export function targetSize(width: number, height: number): [number, number] {
  const targetW = Math.min(RULES.maxWidth, Math.max(RULES.minWidth, width));
  let targetH = Math.max(1, Math.round(height * targetW / width));
  if (targetW / targetH > RULES.maxRatio) targetH = Math.ceil(targetW / RULES.maxRatio);
  if (targetW / targetH < RULES.minRatio) targetH = Math.floor(targetW / RULES.minRatio);
  return [targetW, targetH];
}
