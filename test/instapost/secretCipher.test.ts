import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Keyring } from '../../shared/modules/instapost/Keyring.js';
import { reencryptColumn } from '../../shared/modules/instapost/reencryptColumn.js';
import { decryptSecret, encryptSecret, isEncryptedWithCurrentKey, SecretDecryptionError } from '../../shared/modules/instapost/secretCipher.js';
import { createTestDatabase, needsServer, type TestDatabase } from '../support/testDatabase.js';

const oldKey = randomBytes(32).toString('base64');
const newKey = randomBytes(32).toString('base64');
const TOKEN = 'EAAGm0PX4ZCpsBAKZCZCexampleexampleexample';

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/reencryptSecrets.ts', ...args],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('secrets at rest: AES-256-GCM with a key id', () => {
  test('a token round-trips; the ciphertext names its key and holds no trace of the token', () => {
    const keyring = Keyring.fromEnv(oldKey);
    const encrypted = encryptSecret(keyring, TOKEN, 'instagram_accounts.access_token');
    assert.match(encrypted, new RegExp(`^v1:${keyring.current.id}:[\\w-]{16}:[\\w-]+:[\\w-]{22}$`));
    assert.ok(!encrypted.includes(TOKEN) && !encrypted.includes(Buffer.from(TOKEN).toString('base64url').slice(0, 12)));
    assert.notEqual(encryptSecret(keyring, TOKEN), encryptSecret(keyring, TOKEN), 'a fresh IV each time');
    assert.equal(decryptSecret(keyring, encrypted, 'instagram_accounts.access_token'), TOKEN);
  });

  test('a wrong context, an altered byte or an unknown key does not decrypt', () => {
    const keyring = Keyring.fromEnv(oldKey);
    const encrypted = encryptSecret(keyring, TOKEN, 'a');
    assert.throws(() => decryptSecret(keyring, encrypted, 'b'), SecretDecryptionError);
    const parts = encrypted.split(':');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    assert.throws(() => decryptSecret(keyring, parts.join(':'), 'a'), /authentication failed/);
    assert.throws(() => decryptSecret(Keyring.fromEnv(newKey), encrypted, 'a'), /not in the keyring/);
    assert.throws(() => decryptSecret(keyring, 'plain text', 'a'), /not a v1 ciphertext/);
  });

  test('keys that are not 32 bytes of base64 are refused naming the variable, not the value', () => {
    assert.throws(() => Keyring.fromEnv(undefined), /ENCRYPTION_KEY: required/);
    assert.throws(() => Keyring.fromEnv(Buffer.alloc(16).toString('base64')), /ENCRYPTION_KEY: must decode to 32 bytes \(AES-256\), got 16/);
    assert.throws(() => Keyring.fromEnv(newKey, 'not base64!'), /ENCRYPTION_KEY_PREVIOUS\[0\]: not base64/);
  });

  test('rotation: with the old key as previous, old ciphertexts decrypt and new ones use the new key', () => {
    const before = encryptSecret(Keyring.fromEnv(oldKey), TOKEN);
    const rotated = Keyring.fromEnv(newKey, oldKey);
    assert.equal(decryptSecret(rotated, before), TOKEN);
    assert.equal(isEncryptedWithCurrentKey(rotated, before), false);
    assert.equal(isEncryptedWithCurrentKey(rotated, encryptSecret(rotated, TOKEN)), true);
  });

  describe('re-encryption in the database', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase();
      await db.sql`create table vault (id bigint primary key, token text)`;
    });
    after(() => db.drop());

    test('reencryptColumn moves every old ciphertext to the new key, keeps the plaintext, and a second run changes nothing', async () => {
      const old = Keyring.fromEnv(oldKey);
      for (let id = 1; id <= 7; id++) {
        await db.sql`insert into vault ${db.sql({ id, token: encryptSecret(old, `${TOKEN}-${id}`, 'vault.token') })}`;
      }
      await db.sql`insert into vault (id, token) values (8, null)`;
      const rotated = Keyring.fromEnv(newKey, oldKey);
      assert.deepEqual(await reencryptColumn(db.sql, rotated, { table: 'vault', column: 'token' }, { batchSize: 3 }), { reencrypted: 7 });
      const rows = await db.sql<{ id: string; token: string | null }[]>`select id::text, token from vault order by id`;
      for (const row of rows.filter((r) => r.token !== null)) {
        assert.ok(isEncryptedWithCurrentKey(rotated, row.token ?? ''));
        assert.equal(decryptSecret(Keyring.fromEnv(newKey), row.token ?? '', 'vault.token'), `${TOKEN}-${row.id}`, 'the old key is no longer needed');
      }
      assert.deepEqual(await reencryptColumn(db.sql, rotated, { table: 'vault', column: 'token' }), { reencrypted: 0 });
    });

    test('a value no key can read stops the run naming the row, not the value', async () => {
      await db.sql`insert into vault (id, token) values (9, ${encryptSecret(Keyring.fromEnv(randomBytes(32).toString('base64')), 'lost', 'vault.token')})`;
      await assert.rejects(reencryptColumn(db.sql, Keyring.fromEnv(newKey, oldKey), { table: 'vault', column: 'token' }),
        (error: Error) => /vault\.token of row 9: cannot decrypt secret: key \w+ is not in the keyring/.test(error.message) && !error.message.includes('lost'));
      await db.sql`delete from vault where id = 9`;
    });

    test('npm run reencrypt-secrets -- --column vault.token rotates the column', { skip: needsServer }, async () => {
      const third = randomBytes(32).toString('base64');
      const res = await run(['--column', 'vault.token'], { DATABASE_URL: db.url, ENCRYPTION_KEY: third, ENCRYPTION_KEY_PREVIOUS: `${oldKey},${newKey}` });
      assert.equal(res.code, 0, res.out);
      assert.match(res.out, /vault\.token: re-encrypted 7 value\(s\) with key \w{8}/);
      assert.ok(!res.out.includes(TOKEN));
      const [row] = await db.sql<{ token: string }[]>`select token from vault where id = 1`;
      assert.equal(decryptSecret(Keyring.fromEnv(third), row?.token ?? '', 'vault.token'), `${TOKEN}-1`);
      const bad = await run(['--column', 'vault.token'], { DATABASE_URL: db.url, ENCRYPTION_KEY: 'short' });
      assert.equal(bad.code, 1);
      assert.match(bad.out, /ENCRYPTION_KEY: /);
    });
  });
});
