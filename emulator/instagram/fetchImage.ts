import sharp, { type Metadata } from 'sharp';
import type { GraphApiError } from './GraphApiError.js';
import { imageTooLarge, mediaDownloadTimeout, mediaFetchFailed, unsupportedAspectRatio, unsupportedImageFormat } from './graphErrors.js';
import type { FetchedImage } from './GraphWorld.js';

/** Instagram's limits for a feed image (IG User Media reference, "Image specifications"). */
export const IMAGE_RULES = {
  /** "less than 8 MiB" (error 36000 says MiB). */
  maxBytes: 8 * 1024 * 1024,
  /** 4:5 */
  minRatio: 4 / 5,
  /** 1.91:1 */
  maxRatio: 1.91,
} as const;

/** The outcome of fetching an image_url: the image, or the error Instagram answers with. */
export type ImageFetchResult = { ok: true; image: FetchedImage } | { ok: false; error: GraphApiError };

/**
 * Fetches `url` as Meta's crawler does ("We cURL media used in publishing attempts"): a GET that
 * follows redirects, with a deadline, then judges the bytes as Instagram does. Unreachable,
 * non-2xx, an HTML page or bytes that are no image: 9004/2207052. Too slow: -2/2207003.
 * 8 MiB or more: 36000/2207004. Not JPEG: 36001/2207005. Ratio outside 4:5–1.91:1: 36003/2207009.
 * Width is not judged: Instagram scales images outside 320–1440 px.
 */
export async function fetchImage(url: string, options: { timeoutMs: number }): Promise<ImageFetchResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, error: mediaFetchFailed(url) };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, error: mediaFetchFailed(url) };
  let bytes: Buffer;
  try {
    const res = await fetch(parsed, {
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: { 'user-agent': 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' },
    });
    if (!res.ok || (res.headers.get('content-type') ?? '').startsWith('text/html')) {
      await res.body?.cancel();
      return { ok: false, error: mediaFetchFailed(url) };
    }
    const read = await readAtMost(res, IMAGE_RULES.maxBytes);
    if (read === 'too large') return { ok: false, error: imageTooLarge() };
    bytes = read;
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return { ok: false, error: mediaDownloadTimeout() };
    return { ok: false, error: mediaFetchFailed(url) };
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch {
    return { ok: false, error: mediaFetchFailed(url) };
  }
  if (metadata.format !== 'jpeg') return { ok: false, error: unsupportedImageFormat() };
  // EXIF orientation turns a 4000x3000 sensor image into a 3000x4000 photo; judge what is shown.
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  const ratio = width / height;
  if (ratio < IMAGE_RULES.minRatio || ratio > IMAGE_RULES.maxRatio) return { ok: false, error: unsupportedAspectRatio(width, height) };
  return { ok: true, image: { url, bytes, width, height } };
}

/** The body, or 'too large' as soon as it reaches `limit` bytes (8 MiB exactly is already too large). */
async function readAtMost(res: Response, limit: number): Promise<Buffer | 'too large'> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared >= limit) {
    await res.body?.cancel();
    return 'too large';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.length;
    if (size >= limit) {
      await reader.cancel().catch(() => {});
      return 'too large';
    }
    chunks.push(value);
  }
}
