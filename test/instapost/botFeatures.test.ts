import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBotFeatures } from '../../shared/modules/botFeatures.js';
import { botModules } from '../../shared/modules/index.js';
import { parseWorkerConfig } from '../../worker/workerConfig.js';

const commands = (features: Parameters<typeof botModules>[0]) => botModules(features).flatMap((m) => m.commands ?? []);

test('BOT_FEATURES: both products by default, either alone, and a bad name is refused with the choices', () => {
  assert.deepEqual(parseBotFeatures(undefined), ['growth', 'instapost']);
  assert.deepEqual(parseBotFeatures(' instapost '), ['instapost']);
  assert.deepEqual(parseBotFeatures('instapost,growth'), ['growth', 'instapost']);
  assert.throws(() => parseBotFeatures('growth,shop'), /BOT_FEATURES: unknown shop; use growth, instapost/);
  const growth = commands(['growth']);
  const instapost = commands(['instapost']);
  assert.ok(growth.includes('golive') && !growth.includes('account'));
  assert.ok(instapost.includes('account') && !instapost.includes('golive') && instapost.includes('start') && instapost.includes('settings'));
});

test('the worker running InstaPost needs its variables, named; the growth bot alone does not', () => {
  const base = { DATABASE_URL: 'postgres://localhost/x', TELEGRAM_BOT_TOKEN: '1:x' };
  assert.throws(() => parseWorkerConfig(base), /DROPBOX_APP_KEY is required[\s\S]*ENCRYPTION_KEY is required/);
  assert.equal(parseWorkerConfig({ ...base, BOT_FEATURES: 'growth' }).instapost, undefined);
});
