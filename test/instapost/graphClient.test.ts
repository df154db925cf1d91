import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { graphErrors, InstagramEmulator, ManualClock } from '../../emulator/instagram/index.js';
import { classifyGraphError, type GraphErrorKind } from '../../shared/modules/instapost/classifyGraphError.js';
import { GraphApiError, GraphTransportError } from '../../shared/modules/instapost/GraphApiError.js';
import { GraphClient } from '../../shared/modules/instapost/GraphClient.js';
import { startFileServer } from '../support/startFileServer.js';
import { jpeg } from '../support/testImages.js';

const clock = new ManualClock();
let instagram: InstagramEmulator;
let files: Awaited<ReturnType<typeof startFileServer>>;
let graph: GraphClient;
const urls: string[] = [];
let square: string;

before(async () => {
  instagram = await InstagramEmulator.start({ clock: clock.now, containerProcessingMs: 1000 });
  files = await startFileServer();
  square = files.put('/square.jpg', { body: await jpeg(1080, 1080) });
  graph = new GraphClient({ root: instagram.graphRoot, version: 'v25.0',
    fetch: (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    } });
});
after(async () => {
  await instagram.close();
  await files.close();
});

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('the Graph API client', () => {
  test('the connect flow: a Page token gives the Instagram account, its username and followers; ids stay strings', async () => {
    const account = instagram.createAccount({ username: 'sunsets', followers: 1500 });
    const page = await graph.getPage(account.pageToken);
    assert.deepEqual(page, { pageId: account.pageId, pageName: "sunsets's Page", igUserId: account.igUserId });
    const user = await graph.getInstagramUser(page.igUserId ?? '', account.pageToken);
    assert.deepEqual(user, { id: account.igUserId, username: 'sunsets', name: 'sunsets', followersCount: 1500, mediaCount: 0 });
    assert.ok(BigInt(user.id) > BigInt(Number.MAX_SAFE_INTEGER));
    const bare = instagram.createPageWithoutInstagram();
    assert.equal((await graph.getPage(bare.pageToken)).igUserId, undefined);
    assert.ok(urls.every((url) => !url.includes(account.pageToken) && !url.includes('access_token')), 'tokens never travel in URLs');
    assert.ok(urls.every((url) => url.startsWith(`${instagram.graphRoot}/v25.0/`)));
  });

  test('publishing: container, status until FINISHED, publish, permalink, quota', async () => {
    const account = instagram.createAccount({ username: 'flow', quotaTotal: 25 });
    const ig = account.igUserId ?? '';
    const containerId = await graph.createImageContainer(ig, account.pageToken, { imageUrl: square, caption: 'Hello', altText: 'A square' });
    assert.equal((await graph.getContainer(containerId, account.pageToken)).statusCode, 'IN_PROGRESS');
    const early = await failure(() => graph.publish(ig, account.pageToken, containerId));
    assert.ok(early instanceof GraphApiError);
    assert.deepEqual([early.code, early.subcode, early.status], [9007, 2207027, 400]);
    assert.match(early.fbtraceId ?? '', /^[\w-]{11}$/);
    assert.equal(early.call, `POST /${ig}/media_publish`);
    assert.deepEqual(classifyGraphError(early), { kind: 'transient', reason: 'not-ready', ambiguous: false, needsNewContainer: false });
    clock.advance(1000);
    assert.equal((await graph.getContainer(containerId, account.pageToken)).statusCode, 'FINISHED');
    const mediaId = await graph.publish(ig, account.pageToken, containerId);
    assert.equal(account.posts[0]?.id, mediaId);
    assert.equal(account.posts[0]?.altText, 'A square');
    assert.match((await graph.getMedia(mediaId, account.pageToken)).permalink ?? '', /^https:\/\/www\.instagram\.com\/p\//);
    assert.deepEqual(await graph.getPublishingLimit(ig, account.pageToken), { quotaUsage: 1, quotaTotal: 25, quotaDurationS: 86400 });
  });

  test('a carousel: children, then the parent with the caption', async () => {
    const account = instagram.createAccount({ username: 'carousel' });
    const ig = account.igUserId ?? '';
    const children = [];
    for (let i = 0; i < 3; i++) children.push(await graph.createImageContainer(ig, account.pageToken, { imageUrl: square, isCarouselItem: true, caption: 'ignored' }));
    const parent = await graph.createCarouselContainer(ig, account.pageToken, { children, caption: 'Three' });
    clock.advance(1000);
    await graph.publish(ig, account.pageToken, parent);
    assert.deepEqual([account.posts[0]?.mediaType, account.posts[0]?.images.length, account.posts[0]?.caption], ['CAROUSEL_ALBUM', 3, 'Three']);
    const childCall = instagram.callsTo('createContainer').find((call) => call.igUserId === ig);
    assert.equal(childCall?.params.caption, undefined, 'children carry no caption');
  });

  test('every call has a deadline: a Graph that never answers is a timeout, transient and ambiguous', async () => {
    const account = instagram.createAccount({ username: 'hung' });
    instagram.failNext('igUser', 'hang');
    const impatient = new GraphClient({ root: instagram.graphRoot, timeoutMs: 200 });
    const error = await failure(() => impatient.getInstagramUser(account.igUserId ?? '', account.pageToken));
    assert.ok(error instanceof GraphTransportError);
    assert.equal(error.kind, 'timeout');
    assert.deepEqual(classifyGraphError(error), { kind: 'transient', reason: 'timeout', ambiguous: true, needsNewContainer: false });
    assert.ok(!error.message.includes(account.pageToken));
  });

  test('a publish whose answer is lost is ambiguous, and the container says PUBLISHED', async () => {
    const account = instagram.createAccount({ username: 'lost' });
    const ig = account.igUserId ?? '';
    const containerId = await graph.createImageContainer(ig, account.pageToken, { imageUrl: square });
    clock.advance(1000);
    instagram.failNext('publish', 'network', { afterEffect: true });
    const error = await failure(() => graph.publish(ig, account.pageToken, containerId));
    assert.ok(error instanceof GraphTransportError);
    assert.equal(classifyGraphError(error).ambiguous, true);
    assert.equal((await graph.getContainer(containerId, account.pageToken)).statusCode, 'PUBLISHED');
    assert.equal(account.posts.length, 1);
  });

  test('the emulator\'s real errors are classified: revoked token, bad image, daily limit, throttling', async () => {
    const account = instagram.createAccount({ username: 'errors', quotaTotal: 0 });
    const ig = account.igUserId ?? '';
    const wide = files.put('/wide.jpg', { body: await jpeg(3000, 1000) });
    assert.equal(classifyGraphError(await failure(() => graph.createImageContainer(ig, account.pageToken, { imageUrl: wide }))).reason, 'aspect-ratio');
    const fetchFailed = await failure(() => graph.createImageContainer(ig, account.pageToken, { imageUrl: `${files.url}/nothing.jpg` }));
    assert.deepEqual(classifyGraphError(fetchFailed), { kind: 'transient', reason: 'media-fetch-failed', ambiguous: false, needsNewContainer: true });
    assert.equal(classifyGraphError(fetchFailed, { beforePublish: false }).kind, 'permanent');
    const containerId = await graph.createImageContainer(ig, account.pageToken, { imageUrl: square });
    clock.advance(1000);
    assert.deepEqual(classifyGraphError(await failure(() => graph.publish(ig, account.pageToken, containerId))),
      { kind: 'transient', reason: 'daily-limit', ambiguous: false, needsNewContainer: false });
    instagram.failNext('igUser', graphErrors.throttled(17));
    assert.equal(classifyGraphError(await failure(() => graph.getInstagramUser(ig, account.pageToken))).reason, 'throttled');
    account.revokeTokens(463);
    const revoked = await failure(() => graph.getInstagramUser(ig, account.pageToken));
    assert.ok(revoked instanceof GraphApiError);
    assert.deepEqual([revoked.code, revoked.subcode], [190, 463]);
    assert.equal(classifyGraphError(revoked).kind, 'token-invalid');
    assert.ok(!revoked.message.includes(account.pageToken));
  });
});

describe('classifyGraphError, for every code the issue lists', () => {
  const error = (code: number, subcode?: number, type = 'OAuthException', status = 400) =>
    new GraphApiError('POST /1/media', status, { code, type, message: 'x', ...(subcode === undefined ? {} : { error_subcode: subcode }) });
  const cases: Array<[string, GraphApiError, GraphErrorKind]> = [
    ['1 unknown', error(1, undefined, 'OAuthException', 500), 'transient'],
    ['2 service', error(2, undefined, 'OAuthException', 500), 'transient'],
    ['4 app throttled', error(4), 'transient'],
    ['17 user throttled', error(17), 'transient'],
    ['341 limit', error(341), 'transient'],
    ['-1/2207001 server', error(-1, 2207001), 'transient'],
    ['-2/2207003 download timeout', error(-2, 2207003), 'transient'],
    ['-1/2207032 create failed', error(-1, 2207032), 'transient'],
    ['9004/2207052 fetch failed (before publish)', error(9004, 2207052), 'transient'],
    ['190 expired', error(190, 463), 'token-invalid'],
    ['190 no subcode', error(190), 'token-invalid'],
    ['102 session', error(102), 'token-invalid'],
    ['OAuthException without subcode', error(12345), 'token-invalid'],
    ['10 permission', error(10), 'permanent'],
    ['200 permission', error(200), 'permanent'],
    ['230 permission', error(230), 'permanent'],
    ['299 permission', error(299), 'permanent'],
    ['36000/2207004 too large', error(36000, 2207004), 'permanent'],
    ['36001/2207005 format', error(36001, 2207005), 'permanent'],
    ['36003/2207009 ratio', error(36003, 2207009), 'permanent'],
    ['36004/2207010 caption', error(36004, 2207010), 'permanent'],
    ['36002 (range)', error(36002), 'permanent'],
    ['100/2207023 media type', error(100, 2207023), 'permanent'],
    ['100/2207028 carousel', error(100, 2207028), 'permanent'],
    ['100/2207040 tags', error(100, 2207040), 'permanent'],
    ['25/2207050 restricted', error(25, 2207050), 'permanent'],
    ['4/2207051 spam (code 4, not throttling)', error(4, 2207051), 'permanent'],
    ['100 invalid parameter (an OAuthException without subcode, but not a token problem)', error(100), 'permanent'],
  ];
  for (const [name, err, kind] of cases) {
    test(`${name} → ${kind}`, () => assert.equal(classifyGraphError(err).kind, kind));
  }
  test('a spent container needs a new one: 2207020 expired, 2207032 failed, 2207052 fetch failed', () => {
    for (const subcode of [2207020, 2207032, 2207052]) assert.equal(classifyGraphError(error(-2, subcode)).needsNewContainer, true);
    assert.equal(classifyGraphError(error(9007, 2207027)).needsNewContainer, false);
  });
  test('anything else is permanent and unknown, not retried forever', () => {
    assert.deepEqual(classifyGraphError(new Error('boom')), { kind: 'permanent', reason: 'unknown', ambiguous: false, needsNewContainer: false });
    assert.equal(classifyGraphError(error(999, undefined, 'GraphMethodException', 503)).kind, 'transient', 'a 5xx is Meta\'s trouble');
  });
});
