import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTranslator } from '../../shared/i18n/createTranslator.js';
import type { BroadcastProgress } from '../../shared/modules/broadcasts/broadcastProgress.js';
import { renderReport } from '../../shared/modules/broadcasts/renderProgress.js';

const finished: BroadcastProgress = {
  id: 7, state: 'finished', audience: 'groups', adminChatId: 1, adminLocale: 'en', progressMessageId: 5,
  reported: false, reportState: null, total: 10, pending: 0, sending: 0, sent: 6, failed: 4, unknown: 0, cancelled: 0,
  failures: {},
};

test('the report names each failure reason in the admin\'s language, most frequent first', () => {
  const report = renderReport(createTranslator('en'), { ...finished, failures: { blocked: 1, bot_kicked: 3 } });
  const lines = report.split('\n');
  const kicked = lines.findIndex((l) => l.includes('the bot was removed'));
  const blocked = lines.findIndex((l) => l.includes('the user blocked the bot'));
  assert.ok(kicked > 0 && blocked > kicked, report);
  assert.match(renderReport(createTranslator('ru'), { ...finished, failures: { stalled: 4 } }), /час без изменений/);
  assert.match(renderReport(createTranslator('en'), { ...finished, failures: { banned: 1 } }), /the user was banned/);
  assert.match(renderReport(createTranslator('ru'), { ...finished, failures: { banned: 1 } }), /доступ пользователя приостановлен/);
});

test('a reason this version does not know (a row written by another release) reads as "another reason", not a missing message', () => {
  const report = renderReport(createTranslator('en'), { ...finished, failures: { some_future_reason: 4 } });
  assert.match(report, /another reason/);
  assert.doesNotMatch(report, /reason_|some_future_reason/);
});
