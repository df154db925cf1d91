import { PAGE_TOKEN_CONTEXT } from './instagramAccounts.js';
import type { EncryptedColumn } from './reencryptColumn.js';

/**
 * Every column that holds secrets encrypted with ENCRYPTION_KEY: what `npm run reencrypt-secrets`
 * re-encrypts after a key rotation. A migration that adds such a column adds it here too.
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'instagram_accounts', column: 'page_token_encrypted', context: PAGE_TOKEN_CONTEXT },
];
