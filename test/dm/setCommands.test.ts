import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Api } from 'grammy';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { setBotCommands } from '../../shared/bot/setBotCommands.js';
import { allModules } from '../../shared/modules/index.js';

test('the command menu is set in English for everyone and in Russian for Russian apps', async () => {
  const telegram = await TelegramEmulator.start();
  try {
    await setBotCommands(new Api(telegram.token, { apiRoot: telegram.apiRoot }), allModules);
    const all = telegram.callsTo('setMyCommands');
    const calls = all.filter((c) => c.params.scope === undefined);
    assert.deepEqual(calls.map((c) => c.params.language_code), [undefined, 'ru']);
    const groups = all.filter((c) => (c.params.scope as { type?: string } | undefined)?.type === 'all_group_chats');
    assert.deepEqual(groups.map((c) => c.params.language_code), [undefined, 'ru']);
    assert.deepEqual((groups[0]!.params.commands as { command: string }[]).map((c) => c.command), ['init', 'activate', 'greet']);
    assert.ok(groups.every((c) => c.response.ok));
    assert.ok(calls.every((c) => c.response.ok));
    const [en, ru] = calls.map((c) => c.params.commands as { command: string; description: string }[]);
    assert.deepEqual(en!.map((c) => c.command), ['start', 'points', 'live', 'golive', 'username', 'post', 'bulk', 'queue', 'history', 'schedule', 'account', 'plan', 'upgrade', 'payments', 'paysupport', 'terms', 'settings', 'help']);
    assert.deepEqual(ru!.map((c) => c.command), en!.map((c) => c.command));
    assert.equal(en!.find((c) => c.command === 'points')!.description, 'Your points, daily bonus and invite link');
    assert.equal(ru!.find((c) => c.command === 'points')!.description, 'Баллы, ежедневный бонус и ссылка-приглашение');
  } finally {
    await telegram.close();
  }
});
