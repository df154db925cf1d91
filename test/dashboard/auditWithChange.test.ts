import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { InstagramEmulator } from '../../emulator/instagram/index.js';
import { cancelBroadcast } from '../../shared/modules/broadcasts/broadcastProgress.js';
import { GraphClient } from '../../shared/modules/instapost/GraphClient.js';
import { saveAccount } from '../../shared/modules/instapost/instagramAccounts.js';
import { Keyring } from '../../shared/modules/instapost/Keyring.js';
import { postAsPage, type DashboardSessionForTest, signInForTest } from '../support/dashboardClient.js';
import { startFileServer } from '../support/startFileServer.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard } from '../support/startDashboard.js';
import { jpeg } from '../support/testImages.js';

// An audited action and its audit record commit together or not at all: when the record cannot
// be written (here the database refuses it, as a crash between the two would lose it), the
// change is not made either, and an action that is done always has its record.

let dash: DashboardUnderTest;
let instagram: InstagramEmulator;
let files: Awaited<ReturnType<typeof startFileServer>>;
let graph: GraphClient;
let session: DashboardSessionForTest;
const keyring = Keyring.fromEnv(randomBytes(32).toString('base64'));

before(async () => {
  [instagram, files] = await Promise.all([InstagramEmulator.start({ containerProcessingMs: 0 }), startFileServer()]);
  graph = new GraphClient({ root: instagram.graphRoot });
  dash = await startDashboard({ instagram: { graph, keyring } });
  session = await signInForTest(dash, ADMIN_ID);
});
after(async () => {
  await dash?.close();
  await instagram?.close();
  await files?.close();
});

/** Runs `work` while the audit log refuses records of `action`. */
async function whileAuditRefuses<T>(action: string, work: () => Promise<T>): Promise<T> {
  await dash.db.sql.unsafe(`alter table audit_log add constraint test_refuses_action check (action <> '${action}') not valid`);
  try {
    return await work();
  } finally {
    await dash.db.sql`alter table audit_log drop constraint test_refuses_action`;
  }
}

async function runningBroadcast(adminUserId: number, recipients: number): Promise<number> {
  const [b] = await dash.db.sql<{ id: number }[]>`
    insert into broadcasts (admin_user_id, admin_chat_id, audience, text, state, started_at)
    values (${adminUserId}, ${adminUserId}, 'users', 'Hello all', 'running', now()) returning id`;
  await dash.db.sql`insert into broadcast_deliveries (broadcast_id, chat_id, debug_code)
    select ${b!.id}, 7000 + n, 'b' || n from generate_series(1, ${recipients}) n`;
  return b!.id;
}

const broadcastState = async (id: number) => (await dash.db.sql<{ state: string }[]>`select state from broadcasts where id = ${id}`)[0]!.state;
const pendingOf = async (id: number) =>
  (await dash.db.sql<{ n: number }[]>`select count(*)::int as n from broadcast_deliveries where broadcast_id = ${id} and state = 'pending'`)[0]!.n;
const auditsOf = (action: string) => dash.db.sql<{ actor_id: number; details: Record<string, unknown> }[]>`
  select actor_id, details from audit_log where action = ${action} order by id`;

describe('audited actions commit with their audit record', () => {
  test('dashboard Stop: a stop whose record cannot be written stops nothing; a stop that is done has its record', async () => {
    const id = await runningBroadcast(ADMIN_ID, 5);
    const refused = await whileAuditRefuses('broadcast.stop', () => postAsPage(dash, `/admin/api/broadcasts/${id}/stop`, session, {}));
    assert.equal(refused.status, 500);
    assert.equal(await broadcastState(id), 'running', 'the broadcast goes on: no stop without its record');
    assert.equal(await pendingOf(id), 5);

    const stopped = await postAsPage(dash, `/admin/api/broadcasts/${id}/stop`, session, {});
    assert.equal(stopped.status, 200);
    assert.equal(await broadcastState(id), 'cancelled');
    assert.equal(await pendingOf(id), 0);
    const audits = (await auditsOf('broadcast.stop')).filter((a) => a.details.broadcast_id === id);
    assert.deepEqual(audits.map((a) => [a.actor_id, a.details.via, a.details.cancelled_deliveries]), [[ADMIN_ID, 'dashboard', 5]]);
  });

  test('the bot\'s Stop button records broadcast.stop with the stop, once however often it is pressed', async () => {
    const operator = 31_337;
    const id = await runningBroadcast(operator, 3);
    await assert.rejects(whileAuditRefuses('broadcast.stop', () => dash.db.sql.begin((tx) => cancelBroadcast(tx, id, operator, { actorId: operator, via: 'bot' }))));
    assert.equal(await broadcastState(id), 'running');

    assert.equal(await cancelBroadcast(dash.db.sql, id, operator, { actorId: operator, via: 'bot' }), true);
    // Pressed again before the report: still "stopping", and not recorded a second time.
    assert.equal(await cancelBroadcast(dash.db.sql, id, operator, { actorId: operator, via: 'bot' }), true);
    assert.equal(await broadcastState(id), 'cancelled');
    const audits = (await auditsOf('broadcast.stop')).filter((a) => a.details.broadcast_id === id);
    assert.deepEqual(audits.map((a) => [a.actor_id, a.details.via, a.details.cancelled_deliveries]), [[operator, 'bot', 3]]);
  });

  test('check status: a correction whose record cannot be written is not made; a check that is done has its record', async () => {
    await dash.db.sql`insert into users (id, first_name) values (601, 'Poe') on conflict do nothing`;
    const account = instagram.createAccount({ username: 'studio', name: 'Studio' });
    const saved = await saveAccount(dash.db.sql, keyring, 601, { igUserId: account.igUserId!, pageId: account.pageId, username: 'studio', followersCount: 10 }, account.pageToken, { maxAccounts: null });
    assert.equal(saved.status, 'connected');
    // media_publish went through but its answer was lost: live on Instagram, "publishing" here.
    const imageUrl = files.put('/a.jpg', { body: await jpeg(1080, 1080) });
    const containerId = await graph.createImageContainer(account.igUserId!, account.pageToken, { imageUrl, caption: 'Hello' });
    await graph.publish(account.igUserId!, account.pageToken, containerId);
    const [post] = await dash.db.sql<{ id: number }[]>`
      insert into posts (user_id, account_id, state, caption, scheduled_at, container_id, version)
      values (601, ${(saved as { id: number }).id}, 'publishing', 'Hello', now() - interval '5 minutes', ${containerId}, 1) returning id`;
    const stateOfPost = async () => (await dash.db.sql<{ state: string }[]>`select state from posts where id = ${post!.id}`)[0]!.state;

    const refused = await whileAuditRefuses('post.check_status', () => postAsPage(dash, `/admin/api/posts/${post!.id}/check`, session, {}));
    assert.equal(refused.status, 500);
    assert.equal(await stateOfPost(), 'publishing', 'not corrected without its record');
    assert.equal((await auditsOf('post.check_status')).length, 0);

    const checked = await postAsPage(dash, `/admin/api/posts/${post!.id}/check`, session, {});
    assert.equal(checked.status, 200);
    assert.deepEqual(await checked.json(), { postId: post!.id, state: 'published', graph: 'PUBLISHED', changed: true });
    assert.equal(await stateOfPost(), 'published');
    const audits = await auditsOf('post.check_status');
    assert.deepEqual(audits.map((a) => [a.actor_id, a.details]), [[ADMIN_ID, { post_id: post!.id, graph: 'PUBLISHED', changed: true, via: 'dashboard' }]]);
  });
});
