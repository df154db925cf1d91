import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { badRequest } from '../../emulator/telegram/index.js';
import { needsServer } from '../support/testDatabase.js';
import { type Stack, startStack, type WorkerProcess } from '../support/startStack.js';
import { waitFor } from '../support/waitFor.js';

describe('the worker process (worker/main.ts)', { skip: needsServer }, () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ worker: false }); });
  after(async () => { await stack.stop(); });

  test('logs each job as data (job_id, type, update_id, duration) and never the token', async () => {
    const worker = stack.spawnWorker({ LOG_LEVEL: 'info' });
    const ok = stack.telegram.createUser({ first_name: 'Lia' });
    const okUpdate = ok.sendCommand('/start');
    await stack.telegram.waitForBotMessage(ok, undefined, { timeoutMs: 20_000 });
    // A request Telegram refuses (our bug: markup it cannot parse) fails the job for good; a
    // chat that is gone drops the update. Both are logged with Telegram's words.
    const bad = stack.telegram.createUser({ first_name: 'Max' });
    stack.telegram.failNext('sendMessage', badRequest("can't parse entities: Unsupported start tag \"b\" at byte offset 0"), { chatId: bad.id });
    bad.sendCommand('/start');
    const gone = stack.telegram.createUser({ first_name: 'Gone' });
    stack.telegram.failNext('sendMessage', badRequest('chat not found'), { chatId: gone.id });
    gone.sendCommand('/start');
    await waitForOutput(worker, /job failed for good/);
    await waitForOutput(worker, /chat unreachable; update dropped/);
    worker.kill('SIGTERM');
    assert.equal(await worker.exited, 0);

    const lines = worker.output().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = lines.find((l) => l.msg === 'job done' && l.update_id === okUpdate.update.update_id);
    assert.ok(done, 'a "job done" line for the update');
    assert.equal(done.type, 'telegram_update');
    assert.equal(typeof done.job_id, 'number');
    assert.equal(typeof done.duration_ms, 'number');
    const failed = lines.find((l) => l.msg === 'job failed for good; kept for inspection and replay');
    assert.ok(failed, 'the rejected request is logged with its error');
    assert.match(JSON.stringify(failed.err), /can't parse entities/);
    const dropped = lines.find((l) => l.msg === 'chat unreachable; update dropped');
    assert.ok(dropped, 'the update to a chat that is gone is logged as dropped');
    assert.equal(dropped.description, 'Bad Request: chat not found');
    const secretPart = stack.telegram.token.split(':')[1]!;
    assert.equal(worker.output().includes(secretPart), false, 'the bot token appears in the logs');
    assert.ok(lines.some((l) => l.msg === 'stopped'));
  });

  test('GET /healthz answers with the queue figures', async () => {
    const worker = stack.spawnWorker({ LOG_LEVEL: 'info', PORT: '0' });
    try {
      const port = await waitForPort(worker);
      // The health check listens before getMe; it says 200 once the worker runs.
      await waitForOutput(worker, /"msg":"worker running"/);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 200);
      const body = await res.json() as { ok: boolean; database: string; queue: { ready: number; lagSeconds: number } };
      assert.equal(body.ok, true);
      assert.equal(body.database, 'up');
      assert.equal(typeof body.queue.ready, 'number');
      assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
    } finally {
      worker.kill('SIGTERM');
      await worker.exited;
    }
  });

  test('stops at start-up naming a missing variable', async () => {
    const worker = stack.spawnWorker({ TELEGRAM_BOT_TOKEN: '' });
    assert.equal(await worker.exited, 1);
  });
});

async function waitForOutput(worker: WorkerProcess, re: RegExp): Promise<void> {
  await waitFor(`${re} in the worker's output`, () => re.test(worker.output()), { on: worker.printed });
}

async function waitForPort(worker: WorkerProcess): Promise<number> {
  return Number(await waitFor('the health port in the worker\'s output', () => /"port":(\d+)/.exec(worker.output())?.[1], { on: worker.printed }));
}
