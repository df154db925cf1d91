import { createHash } from 'node:crypto';

const BLOCK = 4 * 1024 * 1024;

/**
 * Dropbox's content_hash: SHA-256 of the concatenated SHA-256 digests of each 4 MiB block
 * (developers.dropbox.com "Content hash"), hex.
 */
export function contentHash(bytes: Buffer): string {
  const digests: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += BLOCK) {
    digests.push(createHash('sha256').update(bytes.subarray(offset, offset + BLOCK)).digest());
  }
  return createHash('sha256').update(Buffer.concat(digests)).digest('hex');
}
