import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { graphErrors, InstagramEmulator, ManualClock } from '../../emulator/instagram/index.js';
import { startFileServer } from '../support/startFileServer.js';
import { jpeg, png } from '../support/testImages.js';

const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
let instagram: InstagramEmulator;
let files: Awaited<ReturnType<typeof startFileServer>>;
let square: string;

before(async () => {
  instagram = await InstagramEmulator.start({ clock: clock.now, containerProcessingMs: 5000, fetchTimeoutMs: 300 });
  files = await startFileServer();
  square = files.put('/square.jpg', { body: await jpeg(1080, 1080) });
});
after(async () => {
  await instagram.close();
  await files.close();
});

interface GraphAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: number; error_subcode?: number; message: string; fbtrace_id: string } };
  headers: Headers;
}

/** One Graph call with the token as a query parameter (GET) or in a JSON body with a Bearer header (POST). */
async function graph(method: 'GET' | 'POST', path: string, token: string | undefined, params: Record<string, unknown> = {}): Promise<GraphAnswer> {
  const url = new URL(`${instagram.graphRoot}/v25.0${path}`);
  let init: RequestInit = { method };
  if (method === 'GET') {
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
    if (token !== undefined) url.searchParams.set('access_token', token);
  } else {
    init = { method, headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(params) };
  }
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as GraphAnswer['body'], headers: res.headers };
}

function assertGraphError(answer: GraphAnswer, code: number, subcode?: number): void {
  assert.equal(answer.body.error?.code, code, JSON.stringify(answer.body));
  assert.equal(answer.body.error?.error_subcode, subcode, JSON.stringify(answer.body));
  assert.ok(answer.status >= 400);
  assert.match(answer.body.error?.fbtrace_id ?? '', /^[\w-]{11}$/);
}

async function createFinishedContainer(token: string, igUserId: string, params: Record<string, unknown> = {}): Promise<string> {
  const created = await graph('POST', `/${igUserId}/media`, token, { image_url: square, ...params });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  clock.advance(5000);
  return String(created.body.id);
}

describe('the Instagram Graph API emulator', () => {
  test('a Page token leads to its Instagram business account, username and followers; ids are strings no number can hold', async () => {
    const account = instagram.createAccount({ username: 'sunsets', followers: 4321 });
    const page = await graph('GET', '/me', account.pageToken, { fields: 'id,name,instagram_business_account' });
    assert.equal(page.status, 200);
    assert.equal(page.body.id, account.pageId);
    const igUserId = (page.body.instagram_business_account as { id: string }).id;
    assert.equal(igUserId, account.igUserId);
    assert.equal(typeof igUserId, 'string');
    assert.ok(BigInt(igUserId) > BigInt(Number.MAX_SAFE_INTEGER));
    assert.notEqual(String(Number(igUserId)), igUserId, 'parsing the id as a number changes it');
    const byPageId = await graph('GET', `/${account.pageId}`, account.pageToken, { fields: 'instagram_business_account' });
    assert.deepEqual(byPageId.body.instagram_business_account, { id: igUserId });

    const profile = await graph('GET', `/${igUserId}`, account.pageToken, { fields: 'username,followers_count,media_count' });
    assert.deepEqual(profile.body, { username: 'sunsets', followers_count: 4321, media_count: 0, id: igUserId });

    const pages = await graph('GET', '/me/accounts', account.userToken);
    assert.deepEqual((pages.body.data as Array<{ id: string; access_token: string }>).map((p) => [p.id, p.access_token]),
      [[account.pageId, account.pageToken]]);
    const unknownField = await graph('GET', `/${igUserId}`, account.pageToken, { fields: 'shoe_size' });
    assertGraphError(unknownField, 100);
  });

  test('a Page without Instagram has no instagram_business_account field; other accounts are 100/33', async () => {
    const bare = instagram.createPageWithoutInstagram('Bakery');
    const page = await graph('GET', '/me', bare.pageToken, { fields: 'id,name,instagram_business_account' });
    assert.deepEqual(page.body, { name: 'Bakery', id: bare.pageId });
    const other = instagram.createAccount({ username: 'someone_else' });
    assertGraphError(await graph('GET', `/${other.igUserId}`, bare.pageToken, { fields: 'username' }), 100, 33);
    assertGraphError(await graph('POST', `/${other.igUserId}/media`, bare.pageToken, { image_url: square }), 100, 33);
  });

  test('missing, unknown and revoked tokens: 104, 190 without subcode, 190/460 with WWW-Authenticate', async () => {
    const account = instagram.createAccount({ username: 'revoked' });
    assertGraphError(await graph('GET', '/me', undefined), 104);
    const unknown = await graph('GET', '/me', 'EAAnot-a-token');
    assertGraphError(unknown, 190);
    assert.match(unknown.headers.get('www-authenticate') ?? '', /invalid_token/);
    account.revokeTokens();
    assertGraphError(await graph('GET', '/me', account.pageToken), 190, 460);
    assertGraphError(await graph('GET', '/me/accounts', account.userToken), 190, 460);
    const debug = await graph('GET', '/debug_token', 'app-id|app-secret', { input_token: account.pageToken });
    assert.equal((debug.body.data as { is_valid: boolean }).is_valid, false);
  });

  test('an image container is IN_PROGRESS for a while; publishing early is 9007/2207027; then FINISHED, published once, PUBLISHED', async () => {
    const account = instagram.createAccount({ username: 'patience' });
    const token = account.pageToken;
    const igUserId = account.igUserId ?? '';
    const created = await graph('POST', `/${igUserId}/media`, token, { image_url: square, caption: 'Golden hour #sun' });
    const containerId = String(created.body.id);
    assert.notEqual(String(Number(containerId)), containerId);
    assert.ok(files.requests.some((r) => r.path === '/square.jpg' && /facebookexternalhit/.test(r.userAgent ?? '')),
      'the emulator fetched image_url itself, as Meta\'s crawler');

    const early = await graph('GET', `/${containerId}`, token, { fields: 'status_code,status' });
    assert.equal(early.body.status_code, 'IN_PROGRESS');
    assertGraphError(await graph('POST', `/${igUserId}/media_publish`, token, { creation_id: containerId }), 9007, 2207027);

    clock.advance(5000);
    assert.equal((await graph('GET', `/${containerId}`, token, { fields: 'status_code' })).body.status_code, 'FINISHED');
    const published = await graph('POST', `/${igUserId}/media_publish`, token, { creation_id: containerId });
    assert.equal(published.status, 200);
    const mediaId = String(published.body.id);
    assert.equal((await graph('GET', `/${containerId}`, token, { fields: 'status_code' })).body.status_code, 'PUBLISHED');

    const again = await graph('POST', `/${igUserId}/media_publish`, token, { creation_id: containerId });
    assert.ok(again.status >= 400, 'a container is published at most once');
    assert.equal(account.posts.length, 1);
    assert.equal(account.posts[0]?.id, mediaId);
    assert.equal(account.posts[0]?.caption, 'Golden hour #sun');
    assert.deepEqual([account.posts[0]?.images[0]?.width, account.posts[0]?.images[0]?.height], [1080, 1080]);

    const media = await graph('GET', `/${mediaId}`, token, { fields: 'permalink,timestamp,media_type,media_product_type' });
    assert.match(String(media.body.permalink), /^https:\/\/www\.instagram\.com\/p\/[\w-]{11}\/$/);
    assert.equal(media.body.media_type, 'IMAGE');
    assert.equal(media.body.media_product_type, 'FEED');
    assert.match(String(media.body.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
  });

  test('parameters in the query string and in a form body work as in a JSON body', async () => {
    const account = instagram.createAccount({ username: 'encodings' });
    const url = new URL(`${instagram.graphRoot}/v25.0/${account.igUserId}/media`);
    url.searchParams.set('image_url', square);
    url.searchParams.set('access_token', account.pageToken);
    const viaQuery = await fetch(url, { method: 'POST' });
    assert.equal(viaQuery.status, 200);
    const viaForm = await fetch(`${instagram.graphRoot}/${account.igUserId}/media`, {
      method: 'POST', body: new URLSearchParams({ image_url: square, access_token: account.pageToken }),
    });
    assert.equal(viaForm.status, 200);
    const call = instagram.callsTo('createContainer').at(-1);
    assert.equal(call?.params.access_token, undefined, 'the call log never holds the token');
  });

  test('the image is judged as Instagram does: PNG, ratio, 8 MiB, unreachable, HTML, slow; the caption too', async () => {
    const account = instagram.createAccount({ username: 'strict' });
    const create = (params: Record<string, unknown>) => graph('POST', `/${account.igUserId}/media`, account.pageToken, params);
    assertGraphError(await create({ image_url: files.put('/a.png', { body: await png(1080, 1080), contentType: 'image/png' }) }), 36001, 2207005);
    assertGraphError(await create({ image_url: files.put('/wide.jpg', { body: await jpeg(3000, 1000) }) }), 36003, 2207009);
    assertGraphError(await create({ image_url: files.put('/tall.jpg', { body: await jpeg(1000, 1300) }) }), 36003, 2207009);
    assert.equal((await create({ image_url: files.put('/edge.jpg', { body: await jpeg(1440, 754) }) })).status, 200, '1.9098:1 is inside');
    const big = Buffer.concat([await jpeg(1080, 1080), Buffer.alloc(8 * 1024 * 1024)]);
    assertGraphError(await create({ image_url: files.put('/big.jpg', { body: big }) }), 36000, 2207004);
    const unreachable = await create({ image_url: `${files.url}/missing.jpg` });
    assertGraphError(unreachable, 9004, 2207052);
    assert.equal(unreachable.body.error?.message, 'Only photo or video can be accepted as media type.');
    assertGraphError(await create({ image_url: files.put('/page', { body: '<html></html>', contentType: 'text/html' }) }), 9004, 2207052);
    assertGraphError(await create({ image_url: files.put('/junk.jpg', { body: 'not an image' }) }), 9004, 2207052);
    assertGraphError(await create({ image_url: 'http://127.0.0.1:1/closed.jpg' }), 9004, 2207052);
    assertGraphError(await create({ image_url: files.put('/slow.jpg', 'hang') }), -2, 2207003);
    assertGraphError(await create({ image_url: square, caption: 'x'.repeat(2201) }), 36004, 2207010);
    assert.equal((await create({ image_url: square, caption: '🌅'.repeat(2200) })).status, 200, 'an emoji is one character');
    assertGraphError(await create({ image_url: square, caption: Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ') }), 36004, 2207010);
    assertGraphError(await create({ image_url: square, caption: Array.from({ length: 21 }, (_, i) => `@user${i}`).join(' ') }), 100, 2207040);
    assertGraphError(await create({}), 100);
  });

  test('a carousel of 3 publishes one post of 3 images; 1 or 11 children are 100/2207028', async () => {
    const account = instagram.createAccount({ username: 'albums' });
    const igUserId = account.igUserId ?? '';
    const children: string[] = [];
    for (let i = 0; i < 3; i++) {
      const child = await graph('POST', `/${igUserId}/media`, account.pageToken, { image_url: square, is_carousel_item: true });
      children.push(String(child.body.id));
    }
    assertGraphError(await graph('POST', `/${igUserId}/media`, account.pageToken, { media_type: 'CAROUSEL', children: children.slice(0, 1) }), 100, 2207028);
    assertGraphError(await graph('POST', `/${igUserId}/media`, account.pageToken, { media_type: 'CAROUSEL', children: Array(11).fill(children[0]) }), 100, 2207028);
    const parent = await graph('POST', `/${igUserId}/media`, account.pageToken, { media_type: 'CAROUSEL', children: children.join(','), caption: 'Three' });
    assert.equal(parent.status, 200);
    assertGraphError(await graph('POST', `/${igUserId}/media_publish`, account.pageToken, { creation_id: parent.body.id }), 9007, 2207027);
    clock.advance(5000);
    const published = await graph('POST', `/${igUserId}/media_publish`, account.pageToken, { creation_id: parent.body.id });
    assert.equal(published.status, 200);
    assert.equal(account.posts.length, 1);
    assert.equal(account.posts[0]?.mediaType, 'CAROUSEL_ALBUM');
    assert.equal(account.posts[0]?.images.length, 3);
    assert.equal(account.posts[0]?.caption, 'Three');
  });

  test('a carousel with a child that failed processing is ERROR and publishes nothing', async () => {
    const account = instagram.createAccount({ username: 'badchild' });
    const igUserId = account.igUserId ?? '';
    const first = await graph('POST', `/${igUserId}/media`, account.pageToken, { image_url: square, is_carousel_item: true });
    instagram.failNextContainers({ status: 'ERROR', subcode: 2207001 }, { igUserId });
    const second = await graph('POST', `/${igUserId}/media`, account.pageToken, { image_url: square, is_carousel_item: true });
    const parent = await graph('POST', `/${igUserId}/media`, account.pageToken, { media_type: 'CAROUSEL', children: [first.body.id, second.body.id] });
    clock.advance(5000);
    const child = await graph('GET', `/${String(second.body.id)}`, account.pageToken, { fields: 'status_code,status' });
    assert.equal(child.body.status_code, 'ERROR');
    assert.match(String(child.body.status), /2207001/);
    assert.equal((await graph('GET', `/${String(parent.body.id)}`, account.pageToken, { fields: 'status_code' })).body.status_code, 'ERROR');
    assertGraphError(await graph('POST', `/${igUserId}/media_publish`, account.pageToken, { creation_id: parent.body.id }), 9007, 2207027);
    assert.equal(account.posts.length, 0);
  });

  test('content_publishing_limit reports the account\'s quota; past it media_publish is 9/2207042 until 24 h have passed', async () => {
    const account = instagram.createAccount({ username: 'prolific', quotaTotal: 2 });
    const igUserId = account.igUserId ?? '';
    for (let i = 0; i < 2; i++) {
      const id = await createFinishedContainer(account.pageToken, igUserId);
      assert.equal((await graph('POST', `/${igUserId}/media_publish`, account.pageToken, { creation_id: id })).status, 200);
    }
    const limit = await graph('GET', `/${igUserId}/content_publishing_limit`, account.pageToken, { fields: 'config,quota_usage' });
    assert.deepEqual(limit.body, { data: [{ config: { quota_total: 2, quota_duration: 86400 }, quota_usage: 2 }] });
    const third = await createFinishedContainer(account.pageToken, igUserId);
    assertGraphError(await graph('POST', `/${igUserId}/media_publish`, account.pageToken, { creation_id: third }), 9, 2207042);
    clock.advance(24 * 60 * 60 * 1000 - 5000);
    const usage = await graph('GET', `/${igUserId}/content_publishing_limit`, account.pageToken);
    assert.deepEqual(usage.body, { data: [{ quota_usage: 0 }] });
    const fresh = await createFinishedContainer(account.pageToken, igUserId);
    assert.equal((await graph('POST', `/${igUserId}/media_publish`, account.pageToken, { creation_id: fresh })).status, 200);
  });

  test('a container not published within 24 hours is EXPIRED and publishing it is -2/2207020', async () => {
    const account = instagram.createAccount({ username: 'late' });
    const id = await createFinishedContainer(account.pageToken, account.igUserId ?? '');
    clock.advance(24 * 60 * 60 * 1000);
    assert.equal((await graph('GET', `/${id}`, account.pageToken, { fields: 'status_code' })).body.status_code, 'EXPIRED');
    assertGraphError(await graph('POST', `/${account.igUserId}/media_publish`, account.pageToken, { creation_id: id }), -2, 2207020);
  });

  test('a new post can be unreadable (100/33) for a while: permalinkDelayMs', async () => {
    const slow = await InstagramEmulator.start({ clock: clock.now, containerProcessingMs: 0, permalinkDelayMs: 60_000 });
    try {
      const account = slow.createAccount({ username: 'shy' });
      const created = await fetch(`${slow.graphRoot}/v25.0/${account.igUserId}/media?image_url=${encodeURIComponent(square)}&access_token=${account.pageToken}`, { method: 'POST' });
      const { id } = (await created.json()) as { id: string };
      const published = await fetch(`${slow.graphRoot}/v25.0/${account.igUserId}/media_publish?creation_id=${id}&access_token=${account.pageToken}`, { method: 'POST' });
      const media = (await published.json()) as { id: string };
      const read = () => fetch(`${slow.graphRoot}/v25.0/${media.id}?fields=permalink&access_token=${account.pageToken}`);
      const early = (await (await read()).json()) as { error: { code: number; error_subcode: number } };
      assert.deepEqual([early.error.code, early.error.error_subcode], [100, 33]);
      clock.advance(60_000);
      assert.match(((await (await read()).json()) as { permalink: string }).permalink, /instagram\.com\/p\//);
    } finally {
      await slow.close();
    }
  });

  test('injected faults: an error before the effect, or a dropped connection after the post went live', async () => {
    const account = instagram.createAccount({ username: 'unlucky' });
    const igUserId = account.igUserId ?? '';
    instagram.failNext('createContainer', graphErrors.throttled(4));
    assertGraphError(await graph('POST', `/${igUserId}/media`, account.pageToken, { image_url: square }), 4);
    const id = await createFinishedContainer(account.pageToken, igUserId);
    instagram.failNext('publish', 'network', { afterEffect: true });
    await assert.rejects(graph('POST', `/${igUserId}/media_publish`, account.pageToken, { creation_id: id }), TypeError);
    assert.equal(account.posts.length, 1, 'the post is live although the answer was lost');
    assert.equal((await graph('GET', `/${id}`, account.pageToken, { fields: 'status_code' })).body.status_code, 'PUBLISHED');
    instagram.failNext('igUser', 'hang');
    const hung = fetch(`${instagram.graphRoot}/${igUserId}?access_token=${account.pageToken}`, { signal: AbortSignal.timeout(200) });
    await assert.rejects(hung, (error: Error) => error.name === 'TimeoutError');
  });

  test('the published-posts page shows each account with its posts and images, escaped', async () => {
    const account = instagram.createAccount({ username: 'gallery' });
    const id = await createFinishedContainer(account.pageToken, account.igUserId ?? '', { caption: '<script>alert(1)</script> hi' });
    await graph('POST', `/${account.igUserId}/media_publish`, account.pageToken, { creation_id: id });
    const res = await fetch(instagram.postsPageUrl);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await res.text();
    assert.match(html, /@gallery/);
    assert.match(html, /&#60;script&#62;alert\(1\)&#60;\/script&#62; hi/);
    assert.doesNotMatch(html, /<script>/);
    const src = /<img src="([^"]+)"/.exec(html.slice(html.indexOf('@gallery')))?.[1] ?? '';
    const image = await fetch(`${instagram.graphRoot}${src}`);
    assert.equal(image.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), account.posts[0]?.images[0]?.bytes);
  });
});
