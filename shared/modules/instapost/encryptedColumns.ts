import type { EncryptedColumn } from './reencryptColumn.js';

/**
 * Every column that holds secrets encrypted with ENCRYPTION_KEY: what `npm run reencrypt-secrets`
 * re-encrypts after a key rotation. A migration that adds such a column adds it here too (the
 * Instagram accounts' Page tokens will be the first).
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [];
