import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './Keyring.js';

// Format: v1:<key id>:<iv>:<ciphertext>:<tag>, base64url parts. AES-256-GCM with a random
// 96-bit IV (NIST SP 800-38D's recommended size; random IVs are safe far beyond the number of
// tokens we will ever encrypt under one key) and a 128-bit tag.
const VERSION = 'v1';
const IV_BYTES = 12;

/** A ciphertext that cannot be read: unknown format, a key no longer in the keyring, or tampered with. */
export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`cannot decrypt secret: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

/**
 * Encrypts a secret (an access token) with the keyring's current key. `context` is bound to
 * the ciphertext as additional authenticated data (e.g. 'instagram_accounts.access_token'), so a
 * ciphertext copied to another column or purpose does not decrypt there.
 */
export function encryptSecret(keyring: Keyring, plaintext: string, context = ''): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}:${keyring.current.id}:${context}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, keyring.current.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
}

/** Decrypts what {@link encryptSecret} made, with whichever keyring key made it. */
export function decryptSecret(keyring: Keyring, encrypted: string, context = ''): string {
  const parts = encrypted.split(':');
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (parts.length !== 5 || version !== VERSION || keyId === undefined || iv === undefined || ciphertext === undefined || tag === undefined) {
    throw new SecretDecryptionError('not a v1 ciphertext');
  }
  const key = keyring.key(keyId);
  if (key === undefined) throw new SecretDecryptionError(`key ${keyId} is not in the keyring (set it in ENCRYPTION_KEY_PREVIOUS)`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${VERSION}:${keyId}:${context}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('authentication failed (wrong key, wrong context, or altered)');
  }
}

/** Whether a ciphertext was made with an older key and should be re-encrypted. */
export function isEncryptedWithCurrentKey(keyring: Keyring, encrypted: string): boolean {
  return encrypted.startsWith(`${VERSION}:${keyring.current.id}:`);
}
