import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Dropbox, type DropboxAuth, DropboxResponseError } from 'dropbox';
import { contentHash, DropboxEmulator, dropboxErrors, ManualClock } from '../../emulator/dropbox/index.js';

const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
let dropbox: DropboxEmulator;

before(async () => {
  dropbox = await DropboxEmulator.start({ clock: clock.now });
});
after(() => dropbox.close());

/** The SDK pointed at the emulator the only way it can be: a fetch that rewrites its https hosts. */
function sdk(options: { refreshToken?: string } = {}): Dropbox {
  const { appKey, appSecret, refreshToken } = dropbox.credentials;
  return new Dropbox({
    clientId: appKey, clientSecret: appSecret, refreshToken: options.refreshToken ?? refreshToken,
    fetch: (url: string, init: RequestInit) => fetch(url
      .replace(/^https:\/\/api\.dropboxapi\.com/, dropbox.apiRoot)
      .replace(/^https:\/\/content\.dropboxapi\.com/, dropbox.contentRoot), init),
  });
}

async function responseError(call: () => Promise<unknown>): Promise<DropboxResponseError<unknown>> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof DropboxResponseError, `expected a DropboxResponseError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('the Dropbox API emulator, through the dropbox SDK', () => {
  test('the SDK refreshes its token with a POST whose parameters are in the query string and whose body is empty', async () => {
    const client = sdk();
    await client.filesUpload({ path: '/a.jpg', contents: Buffer.from('a') });
    const refresh = dropbox.callsTo('oauth2/token')[0];
    assert.equal(refresh?.method, 'POST');
    assert.equal(refresh?.bodyLength, 0);
    assert.equal(refresh?.contentType, 'application/json');
    assert.deepEqual(refresh?.query, { grant_type: 'refresh_token', refresh_token: '[redacted]', client_id: 'emu-app-key',
      client_secret: '[redacted]' }, 'and the call log hides the secrets');
    assert.equal(refresh?.status, 200);
    assert.deepEqual(Object.keys(refresh?.body as object), ['access_token', 'token_type', 'expires_in']);
    assert.equal((refresh?.body as { expires_in: number }).expires_in, 14400);
  });

  test('an upload carries Dropbox-API-Arg (non-ASCII escaped) to the content host and answers FileMetadata', async () => {
    const bytes = Buffer.from('jpeg bytes');
    const { result } = await sdk().filesUpload({ path: '/InstaPost/ä.jpg', contents: bytes, mode: { '.tag': 'add' } });
    const call = dropbox.callsTo('files/upload').at(-1);
    assert.equal(call?.host, 'content');
    assert.equal(call?.contentType, 'application/octet-stream');
    assert.match(call?.apiArg ?? '', /"\/InstaPost\/\\u00e4\.jpg"/);
    assert.equal(result.path_display, '/InstaPost/ä.jpg');
    assert.equal(result.path_lower, '/instapost/ä.jpg');
    assert.match(result.id, /^id:/);
    assert.equal(result.size, bytes.length);
    assert.equal(result.content_hash, contentHash(bytes));
    assert.deepEqual(dropbox.file('/instapost/Ä.JPG'.toLowerCase())?.bytes, bytes);
  });

  test('a second upload to the same path in add mode is 409 path/conflict/file; overwrite replaces; autorename renames', async () => {
    const client = sdk();
    await client.filesUpload({ path: '/c.jpg', contents: Buffer.from('one') });
    const conflict = await responseError(() => client.filesUpload({ path: '/c.jpg', contents: Buffer.from('two') }));
    assert.equal(conflict.status, 409);
    const body = conflict.error as { error_summary: string; error: { '.tag': string; reason: { '.tag': string } } };
    assert.match(body.error_summary, /^path\/conflict\/file\//);
    assert.equal(body.error['.tag'], 'path');
    assert.equal(body.error.reason['.tag'], 'conflict');
    await client.filesUpload({ path: '/c.jpg', contents: Buffer.from('two'), mode: { '.tag': 'overwrite' } });
    assert.equal(dropbox.file('/c.jpg')?.bytes.toString(), 'two');
    const renamed = await client.filesUpload({ path: '/c.jpg', contents: Buffer.from('three'), autorename: true });
    assert.equal(renamed.result.path_display, '/c (1).jpg');
  });

  test('a temporary link serves the bytes with their mime type for 4 hours, then 410 Gone', async () => {
    const client = sdk();
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    await client.filesUpload({ path: '/posts/42.jpg', contents: bytes });
    const { result } = await client.filesGetTemporaryLink({ path: '/posts/42.jpg' });
    assert.equal(result.metadata.path_display, '/posts/42.jpg');
    const served = await fetch(result.link);
    assert.equal(served.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), bytes);
    clock.advance(4 * 60 * 60 * 1000);
    assert.equal((await fetch(result.link)).status, 410);
    const missing = await responseError(() => sdk().filesGetTemporaryLink({ path: '/posts/none.jpg' }));
    assert.equal(missing.status, 409);
    assert.deepEqual((missing.error as { error: unknown }).error, { '.tag': 'path', path: { '.tag': 'not_found' } });
  });

  test('delete_v2 removes the file and its links; deleting again is 409 path_lookup/not_found', async () => {
    const client = sdk();
    await client.filesUpload({ path: '/old/1.jpg', contents: Buffer.from('x') });
    const { result: link } = await client.filesGetTemporaryLink({ path: '/old/1.jpg' });
    const { result } = await client.filesDeleteV2({ path: '/old/1.jpg' });
    assert.equal(result.metadata['.tag'], 'file');
    assert.equal(dropbox.file('/old/1.jpg'), undefined);
    assert.equal((await fetch(link.link)).status, 410);
    const again = await responseError(() => client.filesDeleteV2({ path: '/old/1.jpg' }));
    assert.match((again.error as { error_summary: string }).error_summary, /^path_lookup\/not_found\//);
  });

  test('list_folder lists a folder (recursively on request) in pages', async () => {
    for (const name of ['a', 'b', 'c']) dropbox.putFile(`/list/${name}.jpg`, Buffer.from(name));
    dropbox.putFile('/list/sub/d.jpg', Buffer.from('d'));
    const client = sdk();
    const top = await client.filesListFolder({ path: '/list' });
    assert.deepEqual(top.result.entries.map((e) => `${e['.tag']}:${e.name}`), ['file:a.jpg', 'file:b.jpg', 'file:c.jpg', 'folder:sub']);
    const first = await client.filesListFolder({ path: '/list', recursive: true, limit: 3 });
    assert.equal(first.result.has_more, true);
    const rest = await client.filesListFolderContinue({ cursor: first.result.cursor });
    assert.deepEqual([...first.result.entries, ...rest.result.entries].map((e) => e.path_lower),
      ['/list/a.jpg', '/list/b.jpg', '/list/c.jpg', '/list/sub/d.jpg']);
    assert.equal(rest.result.has_more, false);
  });

  test('an expired access token is 401 expired_access_token; the SDK does not refresh on its own', async () => {
    const client = sdk();
    await client.filesUpload({ path: '/e.jpg', contents: Buffer.from('e') });
    dropbox.expireAccessTokens();
    const expired = await responseError(() => client.filesGetTemporaryLink({ path: '/e.jpg' }));
    assert.equal(expired.status, 401);
    assert.deepEqual((expired.error as { error: unknown }).error, { '.tag': 'expired_access_token' });
    // The SDK's typings hide `auth`, but it is there and is what a caller refreshes with.
    await (client as unknown as { auth: DropboxAuth }).auth.refreshAccessToken();
    await client.filesGetTemporaryLink({ path: '/e.jpg' });
  });

  test('a wrong or revoked refresh token is 400 invalid_grant', async () => {
    const wrong = await responseError(() => sdk({ refreshToken: 'not-the-refresh-token-at-all' }).filesListFolder({ path: '' }));
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.error, { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' });
    const malformed = await responseError(() => sdk({ refreshToken: 'authcode' }).filesListFolder({ path: '' }));
    assert.deepEqual(malformed.error, { error: 'invalid_grant', error_description: 'refresh token is malformed' });
    const other = await DropboxEmulator.start();
    try {
      other.revokeRefreshToken();
      const revoked = await fetch(`${other.apiRoot}/oauth2/token?grant_type=refresh_token&refresh_token=${other.credentials.refreshToken}` +
        `&client_id=${other.credentials.appKey}&client_secret=${other.credentials.appSecret}`, { method: 'POST' });
      assert.equal(revoked.status, 400);
      assert.equal(((await revoked.json()) as { error: string }).error, 'invalid_grant');
    } finally {
      await other.close();
    }
  });

  test('injected 429 carries Retry-After; injected faults can hit after the upload was stored', async () => {
    const client = sdk();
    dropbox.failNext('files/upload', dropboxErrors.tooManyRequests(7));
    const limited = await responseError(() => client.filesUpload({ path: '/r.jpg', contents: Buffer.from('r') }));
    assert.equal(limited.status, 429);
    assert.equal((limited.headers as Headers).get('retry-after'), '7');
    assert.equal((limited.error as { error: { retry_after: number } }).error.retry_after, 7);
    assert.equal(dropbox.file('/r.jpg'), undefined);
    dropbox.failNext('files/upload', 'network', { afterEffect: true });
    await assert.rejects(client.filesUpload({ path: '/r.jpg', contents: Buffer.from('r') }), TypeError);
    assert.equal(dropbox.file('/r.jpg')?.bytes.toString(), 'r', 'stored although the answer was lost');
    // Retrying the same bytes in add mode is not a conflict, so a retried upload is idempotent.
    await client.filesUpload({ path: '/r.jpg', contents: Buffer.from('r') });
  });

  test('a route sent to the wrong host, or with the wrong content type, is a 400 in plain text', async () => {
    const res = await fetch(`${dropbox.apiRoot}/2/files/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /content\.dropboxapi\.com/);
    const rpc = await fetch(`${dropbox.apiRoot}/2/files/delete_v2`, { method: 'POST', body: '{"path":"/x"}', headers: { 'content-type': 'text/plain' } });
    assert.equal(rpc.status, 400);
    assert.match(await rpc.text(), /Content-Type/);
  });
});
