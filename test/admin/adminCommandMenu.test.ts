import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Api } from 'grammy';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { ADMIN_COMMANDS } from '../../shared/modules/admin/adminGate.js';
import { runCommand } from '../support/runCommand.js';

// `npm run set-commands` sets the admin commands in the admins' own chats only: everyone else's
// menu (the default lists, and any other chat) never shows them.

test('npm run set-commands gives each admin who started the bot the admin commands in their chat, and nobody else', async () => {
  const telegram = await TelegramEmulator.start();
  try {
    const admin = telegram.createUser({ first_name: 'Olga', language_code: 'ru' });
    const user = telegram.createUser({ first_name: 'Eve' });
    admin.sendCommand('/start');
    user.sendCommand('/start');
    // An admin who never wrote to the bot: Telegram knows no chat with them ("chat not found").
    const stranger = telegram.createUser({ first_name: 'Never' });
    const result = await runCommand(process.execPath, ['--import', 'tsx', 'scripts/setCommands.ts'], {
      env: { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, ADMIN_TELEGRAM_IDS: `${admin.id}, ${stranger.id}`, LOG_LEVEL: 'info' },
    });
    assert.equal(result.code, 0, result.output);
    assert.match(result.stdout, new RegExp(`"admins_skipped":\\[${stranger.id}\\]`));

    const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
    const names = (list: { command: string }[]) => list.map((c) => c.command);
    const isAdminCommand = (c: string) => (ADMIN_COMMANDS as readonly string[]).includes(c);
    for (const language of [undefined, 'ru'] as const) {
      const options = language ? { language_code: language } : {};
      const defaults = names(await api.getMyCommands(options));
      assert.ok(defaults.includes('help') && !defaults.some(isAdminCommand), `default ${language ?? 'en'}: no admin commands`);
      const mine = names(await api.getMyCommands({ ...options, scope: { type: 'chat', chat_id: admin.id } }));
      assert.deepEqual(mine, [...defaults, ...ADMIN_COMMANDS], `the admin's chat (${language ?? 'en'}): theirs, then the admin commands`);
      assert.deepEqual(await api.getMyCommands({ ...options, scope: { type: 'chat', chat_id: user.id } }), [], 'a user\'s chat: nothing of its own (the default applies)');
    }
    const described = await api.getMyCommands({ language_code: 'ru', scope: { type: 'chat', chat_id: admin.id } });
    assert.equal(described.find((c) => c.command === 'admin_stats')!.description, 'Статистика системы (админы)');
    await assert.rejects(api.getMyCommands({ scope: { type: 'chat', chat_id: stranger.id } }), /chat not found/);
  } finally {
    await telegram.close();
  }
});
