import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { needsServer } from '../support/testDatabase.js';
import { type Stack, startStack, type WorkerProcess } from '../support/startStack.js';
import { broadcastAdmin, broadcastCopies, quietActiveGroups, runBroadcast, waitForReport } from './broadcastSupport.js';

// The crash requirement: two workers killed with SIGKILL mid-broadcast and replaced;
// afterwards no group has the message twice, and every group has it once or is reported as
// "outcome unknown", no more of those than the sends in flight at the kill.

const WORKER_ENV = { BROADCAST_MESSAGES_PER_SECOND: '20', JOB_LEASE_MS: '2000', WORKER_CONCURRENCY: '8' };

let stack: Stack;
before(async () => { stack = await startStack({ worker: false }); });
after(async () => { await stack.stop(); });

test('two workers killed mid-broadcast: no group gets it twice; the rest is sent or reported unknown', { timeout: 180_000, skip: needsServer }, async (t) => {
  const { telegram, db } = stack;
  let workers: WorkerProcess[] = [stack.spawnWorker(WORKER_ENV), stack.spawnWorker(WORKER_ENV)];
  const admin = await broadcastAdmin(telegram, db.sql);
  const groups = await quietActiveGroups(telegram, db.sql, admin, 150);
  await runBroadcast(telegram, admin, 'groups', 'Survives crashes');

  await telegram.waitFor(() => (groups.filter((g) => broadcastCopies(telegram, g.id).length > 0).length >= 40 ? true : undefined),
    { timeoutMs: 60_000, description: '40 groups to have the broadcast' });
  for (const w of workers) w.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  const [inFlight] = await db.sql<{ n: number }[]>`select count(*)::int as n from broadcast_deliveries where state = 'sending'`;
  const sentBeforeRestart = groups.filter((g) => broadcastCopies(telegram, g.id).length > 0).length;
  assert.ok(sentBeforeRestart < groups.length, 'the kill landed mid-broadcast');

  workers = [stack.spawnWorker(WORKER_ENV), stack.spawnWorker(WORKER_ENV)];
  const report = await waitForReport(telegram, admin, 120_000);

  const copies = groups.map((g) => broadcastCopies(telegram, g.id).length);
  assert.equal(Math.max(...copies), 1, 'no group has the message twice');
  const rows = await db.sql<{ chat_id: number; state: string }[]>`select chat_id, state from broadcast_deliveries`;
  const unknown = new Set(rows.filter((r) => r.state === 'unknown').map((r) => r.chat_id));
  for (const [i, g] of groups.entries()) {
    if (copies[i] === 0) assert.ok(unknown.has(g.id), `group ${g.id} has no copy and is not reported unknown`);
  }
  assert.ok(unknown.size <= inFlight!.n, `${unknown.size} unknown, but only ${inFlight!.n} sends were in flight at the kill`);
  assert.deepEqual(rows.filter((r) => !['sent', 'unknown'].includes(r.state)), [], 'every delivery ended sent or unknown');
  t.diagnostic(`sent before the kill: ${sentBeforeRestart}; in flight at the kill: ${inFlight!.n}; reported unknown: ${unknown.size}`);
  if (unknown.size > 0) assert.match(report.text ?? '', /unknown/i);
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
});
