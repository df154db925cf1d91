import { createHmac } from 'node:crypto';

/** One AES-256 key and the id its ciphertexts carry. */
export interface EncryptionKey {
  /** 8 hex characters derived from the key (HMAC, so the id reveals nothing about the key). */
  id: string;
  key: Buffer;
}

/** Thrown for a key that is not 32 bytes of base64; the message names the variable, never the value. */
export class InvalidKeyError extends Error {
  constructor(variable: string, detail: string) {
    super(`${variable}: ${detail}`);
    this.name = 'InvalidKeyError';
  }
}

/**
 * The keys for secrets at rest: `current` encrypts; it and every `previous` key decrypt. Rotation:
 * set ENCRYPTION_KEY to a new key and ENCRYPTION_KEY_PREVIOUS to the old one, run
 * `npm run reencrypt-secrets`, then drop the old key. The key id inside each ciphertext says
 * which key made it, so old and new ciphertexts can be read side by side during the rotation.
 */
export class Keyring {
  readonly current: EncryptionKey;
  readonly #byId: Map<string, EncryptionKey>;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.current = keyOf(current);
    this.#byId = new Map([this.current, ...previous.map(keyOf)].map((key) => [key.id, key]));
  }

  /**
   * From ENCRYPTION_KEY (32 bytes, base64) and optional ENCRYPTION_KEY_PREVIOUS (comma-separated
   * keys that still decrypt). `openssl rand -base64 32` makes a key.
   */
  static fromEnv(current: string | undefined, previous?: string): Keyring {
    if (current === undefined || current.trim() === '') throw new InvalidKeyError('ENCRYPTION_KEY', 'required: 32 bytes, base64 (openssl rand -base64 32)');
    const old = (previous ?? '').split(',').map((value) => value.trim()).filter((value) => value !== '');
    return new Keyring(decodeKey('ENCRYPTION_KEY', current), old.map((value, i) => decodeKey(`ENCRYPTION_KEY_PREVIOUS[${i}]`, value)));
  }

  /** The key with this id, if the keyring still has it. */
  key(id: string): EncryptionKey | undefined {
    return this.#byId.get(id);
  }
}

function decodeKey(variable: string, value: string): Buffer {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value.trim())) throw new InvalidKeyError(variable, 'not base64');
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== 32) throw new InvalidKeyError(variable, `must decode to 32 bytes (AES-256), got ${key.length}`);
  return key;
}

function keyOf(key: Buffer): EncryptionKey {
  if (key.length !== 32) throw new InvalidKeyError('key', `must be 32 bytes, got ${key.length}`);
  return { id: createHmac('sha256', key).update('instapost key id v1').digest('hex').slice(0, 8), key };
}
