import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { needsServer } from '../support/testDatabase.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { postReaches, schedule, userWithAccount } from './publishSupport.js';

// Exactly once across crashes: a worker process is SIGKILLed in the middle of publishing (held
// there by a Graph call the emulator never answers) and another one finishes the job after the
// lease expires. Worker processes share the database, hence the PostgreSQL server.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack({ worker: false }); });
after(async () => { await stack.stop(); });

const workerEnv = () => ({ ...stack.env, BOT_FEATURES: 'growth,instapost', JOB_LEASE_MS: '1500', SHUTDOWN_TIMEOUT_MS: '0' });

describe('publishing survives SIGKILL', { skip: needsServer }, () => {
  test('killed between container creation and media_publish: the next worker publishes the recorded container, once', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    stack.instagram.failNext('publish', 'hang', { igUserId: account.igUserId });
    const a = stack.spawnWorker(workerEnv());
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    await stack.instagram.waitForCall((c) => c.operation === 'publish' && c.igUserId === account.igUserId, { timeoutMs: 30_000 });
    const [recorded] = await stack.db.sql`select container_id, media_id from posts where id = ${postId}`;
    assert.ok(recorded!.container_id, 'the container id was not recorded before media_publish');
    a.kill('SIGKILL');
    assert.equal(await a.exited, 'SIGKILL');
    assert.equal(account.posts.length, 0);
    const b = stack.spawnWorker(workerEnv());
    const row = await postReaches(stack, postId, ['published', 'failed'], 60_000);
    assert.equal(row.state, 'published');
    assert.equal(account.posts.length, 1);
    assert.equal(account.posts[0]!.containerId, recorded!.container_id, 'a second container was made');
    b.kill('SIGTERM');
    await b.exited;
  });

  test('killed after media_publish took effect but before its answer was recorded: the container says PUBLISHED, nothing is published again', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    stack.instagram.failNext('publish', 'hang', { igUserId: account.igUserId, afterEffect: true });
    const a = stack.spawnWorker(workerEnv());
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    await stack.instagram.waitFor(() => account.posts[0], { timeoutMs: 30_000 });
    const [before] = await stack.db.sql`select state, media_id from posts where id = ${postId}`;
    assert.deepEqual({ ...before }, { state: 'publishing', media_id: null });
    a.kill('SIGKILL');
    await a.exited;
    const b = stack.spawnWorker(workerEnv());
    const row = await postReaches(stack, postId, ['published', 'failed'], 60_000);
    assert.equal(row.state, 'published');
    await stack.telegram.waitForBotMessage(user, (m) => /Published on Instagram/.test(m.text ?? ''), { timeoutMs: 30_000 });
    assert.equal(account.posts.length, 1, 'published twice');
    assert.equal(stack.instagram.callsTo('publish').filter((c) => c.igUserId === account.igUserId).length, 1);
    b.kill('SIGTERM');
    await b.exited;
  });

  test('no Page token in plain text in any table or log line', async () => {
    const tokens = stack.instagram.accounts.map((a) => a.pageToken);
    const tables = await stack.db.sql<{ table_name: string }[]>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`;
    for (const { table_name } of tables) {
      const rows = await stack.db.sql`select row_to_json(t)::text as j from ${stack.db.sql(table_name)} t`;
      for (const r of rows) for (const token of tokens) assert.ok(!String(r.j).includes(token), `a token in ${table_name}`);
    }
    const w = stack.spawnWorker({ ...workerEnv(), LOG_LEVEL: 'trace' });
    const { user, account, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    await postReaches(stack, postId, ['published'], 60_000);
    w.kill('SIGTERM');
    await w.exited;
    assert.ok(w.output().length > 1000, `the worker logged almost nothing: ${w.output().slice(0, 500)}`);
    assert.ok(!w.output().includes(account.pageToken), 'a token in the log');
  });
});
