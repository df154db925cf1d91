import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Dropbox } from 'dropbox';
import { DropboxEmulator, dropboxErrors } from '../../emulator/dropbox/index.js';
import { InstagramEmulator, ManualClock } from '../../emulator/instagram/index.js';
import { DropboxStorage, type DropboxStorageOptions } from '../../shared/modules/instapost/DropboxStorage.js';
import { DropboxStorageError } from '../../shared/modules/instapost/DropboxStorageError.js';
import { GraphClient } from '../../shared/modules/instapost/GraphClient.js';
import { jpeg } from '../support/testImages.js';

const clock = new ManualClock();
let dropbox: DropboxEmulator;

before(async () => {
  dropbox = await DropboxEmulator.start({ clock: clock.now });
});
after(() => dropbox.close());

function storage(options: Partial<DropboxStorageOptions> = {}): DropboxStorage {
  return new DropboxStorage({ ...dropbox.credentials, apiRoot: dropbox.apiRoot, contentRoot: dropbox.contentRoot, clock: clock.now, ...options });
}

async function failure(call: () => Promise<unknown>): Promise<DropboxStorageError> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof DropboxStorageError, `expected a DropboxStorageError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

const tokenRequests = () => dropbox.callsTo('oauth2/token').length;

describe('Dropbox storage on the dropbox SDK', () => {
  test('5 parallel first calls share one token refresh (the SDK alone makes 5)', async () => {
    const store = storage();
    const before = tokenRequests();
    const stored = await Promise.all([1, 2, 3, 4, 5].map((n) => store.upload(`/parallel/${n}.jpg`, Buffer.from(`image ${n}`))));
    assert.equal(tokenRequests() - before, 1);
    assert.deepEqual(stored.map((file) => file.path), ['/parallel/1.jpg', '/parallel/2.jpg', '/parallel/3.jpg', '/parallel/4.jpg', '/parallel/5.jpg']);
    assert.equal(dropbox.file('/parallel/3.jpg')?.bytes.toString(), 'image 3');
    const { appKey, appSecret, refreshToken } = dropbox.credentials;
    const sdk = new Dropbox({ clientId: appKey, clientSecret: appSecret, refreshToken,
      fetch: (url: string, init: RequestInit) => fetch(url.replace('https://content.dropboxapi.com', dropbox.contentRoot)
        .replace('https://api.dropboxapi.com', dropbox.apiRoot), init) });
    const sdkBefore = tokenRequests();
    await Promise.all([1, 2, 3, 4, 5].map((n) => sdk.filesUpload({ path: `/sdk/${n}.jpg`, contents: Buffer.from('x') })));
    assert.equal(tokenRequests() - sdkBefore, 5, 'the bare SDK refreshes once per parallel call');
  });

  test('a 401 expired token is refreshed once and the call retried, even for 5 calls in parallel', async () => {
    const store = storage();
    await store.upload('/expiry/a.jpg', Buffer.from('a'));
    dropbox.expireAccessTokens();
    const before = tokenRequests();
    const links = await Promise.all([1, 2, 3, 4, 5].map(() => store.temporaryLink('/expiry/a.jpg')));
    assert.equal(tokenRequests() - before, 1);
    assert.equal(links.length, 5);
    assert.ok(dropbox.callsTo('files/get_temporary_link').some((call) => call.status === 401), 'the 401s really happened');
  });

  test('a token about to expire is refreshed before the call, not after a 401', async () => {
    const store = storage();
    await store.upload('/clock/a.jpg', Buffer.from('a'));
    const before = tokenRequests();
    const callsBefore = dropbox.calls.length;
    clock.advance(4 * 60 * 60 * 1000 - 60_000);
    await store.upload('/clock/b.jpg', Buffer.from('b'));
    assert.equal(tokenRequests() - before, 1);
    assert.ok(dropbox.calls.slice(callsBefore).every((call) => call.status === 200));
  });

  test('upload, temporary link, delete; deleting twice is not-found, not an error', async () => {
    const store = storage();
    const bytes = await jpeg(1080, 1080);
    const file = await store.upload('/posts/1/0.jpg', bytes);
    assert.equal(file.size, bytes.length);
    const link = await store.temporaryLink('/posts/1/0.jpg');
    assert.deepEqual(Buffer.from(await (await fetch(link)).arrayBuffer()), bytes);
    await store.upload('/posts/1/0.jpg', bytes);
    assert.equal(await store.delete('/posts/1/0.jpg'), 'deleted');
    assert.equal(await store.delete('/posts/1/0.jpg'), 'not-found');
  });

  test('listFiles follows the cursor and gives each file\'s age; a missing folder is empty', async () => {
    for (let n = 0; n < 4; n++) dropbox.putFile(`/retention/${n}/img.jpg`, Buffer.from('x'), { serverModified: Date.UTC(2026, 0, n + 1) });
    const store = storage();
    const listed = await store.listFiles('/retention', { pageSize: 3 });
    assert.equal(dropbox.callsTo('files/list_folder/continue').length, 1, 'a second page was read');
    assert.deepEqual(listed.map((file) => [file.path, file.serverModified]),
      [0, 1, 2, 3].map((n) => [`/retention/${n}/img.jpg`, Date.UTC(2026, 0, n + 1)]));
    assert.deepEqual(await store.listFiles('/nothing-here'), []);
  });

  test('errors come out typed: 409 with its tag, 429 with Retry-After, a bad refresh token, a deadline', async () => {
    const store = storage();
    const missing = await failure(() => store.temporaryLink('/no/such.jpg'));
    assert.deepEqual([missing.status, missing.tag, missing.transient], [409, 'path', false]);
    assert.match(missing.summary ?? '', /^path\/not_found\//);
    dropbox.failNext('files/upload', dropboxErrors.tooManyRequests(7));
    const limited = await failure(() => store.upload('/r.jpg', Buffer.from('r')));
    assert.deepEqual([limited.status, limited.tag, limited.retryAfterS, limited.transient], [429, 'too_many_requests', 7, true]);
    const revoked = await failure(() => storage({ refreshToken: 'not-the-refresh-token-at-all' }).upload('/x.jpg', Buffer.from('x')));
    assert.deepEqual([revoked.status, revoked.tag, revoked.route], [400, 'invalid_grant', 'oauth2/token']);
    assert.ok(!revoked.message.includes('not-the-refresh-token-at-all'));

    const impatient = storage({ timeoutMs: 200 });
    dropbox.failNext('oauth2/token', 'hang');
    const hungRefresh = await failure(() => impatient.upload('/h.jpg', Buffer.from('h')));
    assert.deepEqual([hungRefresh.status, hungRefresh.tag, hungRefresh.transient], [0, 'timeout', true], 'the SDK gives its token request no deadline; we do');
    dropbox.failNext('files/upload', 'hang');
    const hungUpload = await failure(() => impatient.upload('/h.jpg', Buffer.from('h')));
    assert.equal(hungUpload.tag, 'timeout');
  });

  test('Instagram (emulated) fetches the image from the temporary link', async () => {
    const instagram = await InstagramEmulator.start({ containerProcessingMs: 0 });
    try {
      const account = instagram.createAccount({ username: 'from_dropbox' });
      const store = storage();
      await store.upload('/posts/2/0.jpg', await jpeg(1080, 1350));
      const graph = new GraphClient({ root: instagram.graphRoot });
      const containerId = await graph.createImageContainer(account.igUserId ?? '', account.pageToken, { imageUrl: await store.temporaryLink('/posts/2/0.jpg') });
      await graph.publish(account.igUserId ?? '', account.pageToken, containerId);
      assert.deepEqual([account.posts[0]?.images[0]?.width, account.posts[0]?.images[0]?.height], [1080, 1350]);
    } finally {
      await instagram.close();
    }
  });
});
