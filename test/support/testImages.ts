import sharp from 'sharp';

/** A flat-colour JPEG of this size (sharp), for tests that need real image bytes. */
export function jpeg(width: number, height: number, background = '#6688aa'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();
}

/** A flat-colour PNG of this size. */
export function png(width: number, height: number, background = '#6688aa'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();
}
