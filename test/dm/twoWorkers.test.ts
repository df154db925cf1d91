import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Stack, type WorkerProcess, startStack } from '../support/startStack.js';
import { needsServer } from '../support/testDatabase.js';

// Two worker processes, as two Railway replicas: the rate limit and the daily grant are
// counted in PostgreSQL, so they hold across processes (a limit kept in memory would let each
// replica allow 10).

describe('with two worker processes', { skip: needsServer, timeout: 120_000 }, () => {
  let stack: Stack;
  let workers: WorkerProcess[];
  before(async () => {
    stack = await startStack({ worker: false });
    workers = [stack.spawnWorker({ WORKER_CONCURRENCY: '8' }), stack.spawnWorker({ WORKER_CONCURRENCY: '8' })];
  });
  after(async () => {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await stack.stop();
  });

  test('each of 5 users sending 15 commands at once gets 10 answers and one notice', async () => {
    const users = Array.from({ length: 5 }, (_, i) => stack.telegram.createUser({ first_name: `R${i}`, language_code: 'en' }));
    for (let i = 0; i < 15; i++) for (const user of users) user.sendCommand('/help');
    await stack.drained();
    for (const user of users) {
      const texts = stack.telegram.messagesIn(user).map((m) => m.text ?? '');
      assert.equal(texts.filter((t) => /What I can do/.test(t)).length, 10, `answers to ${user.id}`);
      assert.equal(texts.filter((t) => /Try again in/.test(t)).length, 1, `notices to ${user.id}`);
    }
  });

  test('commands from one user in three chats at once, handled in parallel by both workers, share one limit', async () => {
    const user = stack.telegram.createUser({ first_name: 'Multi', language_code: 'en' });
    const groups = [0, 1].map((i) => stack.telegram.createGroup({ title: `G${i}`, members: [user] }));
    for (const g of groups) await g.addBot().delivered;
    await stack.drained();
    for (let i = 0; i < 8; i++) {
      user.sendCommand('/help');
      for (const g of groups) user.sendCommand('/help', undefined, { chat: g });
    }
    await stack.drained();
    const [row] = await stack.db.sql`select cardinality(hits) as hits from rate_limits where user_id = ${user.id} and action = 'commands'`;
    assert.equal(row!.hits, 10, '10 of the 24 commands were let through');
    // Group commands are silent in groups; the DM shows what was let through there, and the
    // one notice went to whichever chat the first refused command came from.
    const dm = stack.telegram.messagesIn(user).map((m) => m.text ?? '');
    const notices = [user, ...groups].flatMap((chat) => stack.telegram.messagesIn(chat)).filter((m) => /Try again in/.test(m.text ?? ''));
    assert.equal(notices.length, 1);
    assert.ok(dm.filter((t) => /What I can do/.test(t)).length <= 8);
  });

  test('several updates at the first interaction of the day, on two workers, grant the daily points once', async () => {
    const users = Array.from({ length: 5 }, (_, i) => stack.telegram.createUser({ first_name: `D${i}`, language_code: 'en' }));
    for (const user of users) user.sendCommand('/start');
    await stack.drained();
    const ids = users.map((u) => u.id);
    await stack.db.sql`update users set daily_points_on = daily_points_on - 1 where id = any(${ids})`;
    await stack.db.sql`update points_ledger set created_at = created_at - interval '1 day' where user_id = any(${ids})`;
    for (let i = 0; i < 4; i++) for (const user of users) user.sendMessage(`hello ${i}`);
    await stack.drained();
    const rows = await stack.db.sql<{ points: number; grants: number }[]>`
      select u.points, (select count(*)::int from points_ledger l where l.user_id = u.id and l.reason = 'daily') as grants
      from users u where u.id = any(${ids})`;
    assert.deepEqual(rows.map((r) => ({ ...r })), Array(5).fill({ points: 20, grants: 2 }));
  });
});
