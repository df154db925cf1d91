import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, GrammyError } from 'grammy';
import type { Message, MessageEntity } from 'grammy/types';
import { type EmulatedUser, ManualClock, TelegramEmulator } from '../../emulator/telegram/index.js';
import { startWebhookReceiver } from './startWebhookReceiver.js';

// The rows of the emulator's fidelity checklist (docs/EMULATOR.md), one test each: what the
// Bot API server (tdlib/telegram-bot-api and TDLib) answers, and the emulator must answer too.

const clock = new ManualClock(Date.UTC(2026, 2, 1, 9));
let telegram: TelegramEmulator;
let api: Api;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
before(async () => {
  telegram = await TelegramEmulator.start({ clock });
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  receiver = await startWebhookReceiver();
});
after(async () => {
  await telegram.close();
  await receiver.close();
});

let n = 0;
async function user(): Promise<EmulatedUser> {
  const created = telegram.createUser({ first_name: `Fid${++n}` });
  created.sendCommand('/start');
  return created;
}

/** The Bot API's raw answer to a call, as JSON, whatever grammY would make of it. */
async function call(method: string, params: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown>, headers: response.headers };
}

async function fails(method: string, params: Record<string, unknown>, description: string, code = 400): Promise<void> {
  const { status, body } = await call(method, params);
  assert.deepEqual({ status, description: body.description }, { status: code, description });
}

async function sent(method: string, params: Record<string, unknown>): Promise<Message> {
  const { body } = await call(method, params);
  assert.equal(body.ok, true, `${method}: ${String(body.description)}`);
  return body.result as Message;
}

describe('messages', () => {
  test('5: a message older than 48 h cannot be deleted', async () => {
    const alice = await user();
    const group = telegram.createGroup({ title: 'Super', creator: alice });
    group.addBot({ asAdmin: true });
    const old = await api.sendMessage(alice.id, 'old');
    const oldInGroup = await api.sendMessage(group.id, 'old too');
    const fresh = await api.sendMessage(alice.id, 'fresh');
    clock.advance(49 * 3_600_000);
    await fails('deleteMessage', { chat_id: alice.id, message_id: old.message_id }, "Bad Request: message can't be deleted for everyone");
    await fails('deleteMessage', { chat_id: group.id, message_id: oldInGroup.message_id }, "Bad Request: message can't be deleted");
    const recent = await api.sendMessage(alice.id, 'recent');
    assert.equal(await api.deleteMessage(alice.id, recent.message_id), true);
    assert.ok(fresh.message_id > 0);
  });

  test('6: parse_mode wins over explicit entities', async () => {
    const alice = await user();
    const message = await sent('sendMessage', { chat_id: alice.id, text: '<b>x</b>', parse_mode: 'HTML',
      entities: [{ type: 'italic', offset: 0, length: 3 }] });
    assert.equal(message.text, 'x');
    assert.deepEqual(message.entities, [{ type: 'bold', offset: 0, length: 1 }]);
    const plain = await sent('sendMessage', { chat_id: alice.id, text: '<b>x</b>', parse_mode: 'none',
      entities: [{ type: 'italic', offset: 0, length: 3 }] });
    assert.equal(plain.text, '<b>x</b>');
    assert.deepEqual(plain.entities, [{ type: 'italic', offset: 0, length: 3 }]);
  });

  test('7: legacy Markdown is parsed, and a lone "_" fails as on the server', async () => {
    const alice = await user();
    await fails('sendMessage', { chat_id: alice.id, text: 'hi user_name', parse_mode: 'Markdown' },
      "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 7");
    const message = await sent('sendMessage', { chat_id: alice.id, parse_mode: 'Markdown',
      text: '*bold* _it_ `code` [site](https://example.com) user\\_name' });
    assert.equal(message.text, 'bold it code site user_name');
    assert.deepEqual(message.entities, [
      { type: 'bold', offset: 0, length: 4 }, { type: 'italic', offset: 5, length: 2 }, { type: 'code', offset: 8, length: 4 },
      { type: 'text_link', offset: 13, length: 4, url: 'https://example.com' },
    ]);
  });

  test('8: the HTML parser accepts and refuses what TDLib does', async () => {
    const alice = await user();
    const cases: Array<[string, string | { text: string; entities?: MessageEntity[] }]> = [
      ['<a href=https://a.com>x</a>', "Bad Request: can't parse entities: Unexpected end of name token at byte offset 8"],
      ['x<y', "Bad Request: can't parse entities: Unclosed start tag at byte offset 1"],
      ['<span>x</span>', 'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0'],
      ['<i>a</i   ', "Bad Request: can't parse entities: Unclosed end tag at byte offset 4"],
      ['a &#99999999; b', { text: 'a &#99999999; b' }],
      ['&ge;&lt;&amp &Or;', { text: '&ge;<& &Or;' }],
      ['<a href="http://localhost/">x</a>', { text: 'x' }],
      ['<a href="example.com">x</a>', { text: 'x', entities: [{ type: 'text_link', offset: 0, length: 1, url: 'http://example.com/' }] }],
      ['<b>a</>', { text: 'a', entities: [{ type: 'bold', offset: 0, length: 1 }] }],
    ];
    for (const [html, expected] of cases) {
      const { body } = await call('sendMessage', { chat_id: alice.id, text: html, parse_mode: 'HTML' });
      if (typeof expected === 'string') {
        assert.equal(body.description, expected, html);
      } else {
        const message = body.result as Message | undefined;
        assert.equal(message?.text, expected.text, `${html}: ${String(body.description)}`);
        assert.deepEqual(message?.entities, expected.entities, html);
      }
    }
  });

  test('9: text that is empty once formatted gets "text must be non-empty"; an empty raw text "message text is empty"', async () => {
    const alice = await user();
    await fails('sendMessage', { chat_id: alice.id, text: '<b> </b>', parse_mode: 'HTML' }, 'Bad Request: text must be non-empty');
    await fails('sendMessage', { chat_id: alice.id, text: '   ' }, 'Bad Request: text must be non-empty');
    await fails('sendMessage', { chat_id: alice.id, text: '' }, 'Bad Request: message text is empty');
  });

  test('10: inline keyboards are cut to 12 a row and 300 in all; numbers are strings; empty data is no action', async () => {
    const alice = await user();
    const row = Array.from({ length: 13 }, (_, i) => ({ text: `b${i}`, callback_data: `d${i}` }));
    const message = await sent('sendMessage', { chat_id: alice.id, text: 'many', reply_markup: { inline_keyboard: [row] } });
    assert.equal(message.reply_markup?.inline_keyboard[0]?.length, 12);
    assert.throws(() => alice.pressButton(message, 'd12'), /cannot press/);
    const rows = Array.from({ length: 30 }, (_, r) => Array.from({ length: 11 }, (_, i) => ({ text: 'x', callback_data: `${r}:${i}` })));
    const big = await sent('sendMessage', { chat_id: alice.id, text: 'big', reply_markup: { inline_keyboard: rows } });
    assert.equal(big.reply_markup?.inline_keyboard.flat().length, 300);
    const numeric = await sent('sendMessage', { chat_id: alice.id, text: 'n', reply_markup: { inline_keyboard: [[
      { text: 1, callback_data: 42 }, { text: '', callback_data: 'skipped' }]] } });
    assert.deepEqual(numeric.reply_markup?.inline_keyboard, [[{ text: '1', callback_data: '42' }]]);
    await fails('sendMessage', { chat_id: alice.id, text: 'e', reply_markup: { inline_keyboard: [[{ text: 'e', callback_data: '' }]] } },
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    await fails('sendMessage', { chat_id: alice.id, text: 'u', reply_markup: { inline_keyboard: [[{ text: 'u', url: 'http://localhost' }]] } },
      'Bad Request: inline keyboard button Wrong HTTP URL');
    const numericUrl = await call('sendMessage', { chat_id: alice.id, text: 'u', reply_markup: { inline_keyboard: [[{ text: 'u', url: 12 }]] } });
    assert.notEqual(numericUrl.status, 500, 'a numeric url is read as a string, not a crash');
  });

  test('11: a message sent with a reply keyboard cannot be edited; an edit takes only an inline keyboard', async () => {
    const alice = await user();
    const withKeyboard = await api.sendMessage(alice.id, 'choose', { reply_markup: { keyboard: [[{ text: 'A' }]] } });
    await fails('editMessageText', { chat_id: alice.id, message_id: withKeyboard.message_id, text: 'changed' }, "Bad Request: message can't be edited");
    const plain = await api.sendMessage(alice.id, 'plain');
    await fails('editMessageText', { chat_id: alice.id, message_id: plain.message_id, text: 'changed', reply_markup: { remove_keyboard: true } },
      'Bad Request: inline keyboard expected');
  });

  test('15: links, mentions, hashtags and commands in the bot\'s text get entities', async () => {
    const alice = await user();
    const message = await api.sendMessage(alice.id, 'see https://a.com, ask @someone #tag /help');
    assert.deepEqual(message.entities?.map((e) => e.type), ['url', 'mention', 'hashtag', 'bot_command']);
    const bold = await api.sendMessage(alice.id, '<b>https://a.com</b>', { parse_mode: 'HTML' });
    assert.deepEqual(bold.entities?.map((e) => e.type), ['bold'], 'a detected entity never overlaps one the bot gave');
  });

  test('16: length is counted in code points: 4096 emoji fit', async () => {
    const alice = await user();
    assert.equal([...(await api.sendMessage(alice.id, '😀'.repeat(4096))).text].length, 4096);
    await fails('sendMessage', { chat_id: alice.id, text: '😀'.repeat(4097) }, 'Bad Request: message is too long');
  });
});

describe('queries and payments', () => {
  test('17: answerPreCheckoutQuery checks error_message first, then the id, with the server\'s texts', async () => {
    await fails('answerPreCheckoutQuery', { pre_checkout_query_id: 'nope', ok: false }, 'Bad Request: parameter "error_message" is required');
    await fails('answerPreCheckoutQuery', { pre_checkout_query_id: 'nope', ok: true },
      'Bad Request: query is too old and response timeout expired or query ID is invalid');
  });
});

describe('webhook settings', () => {
  test('13: setWebhook with a URL once a second: the second gets 429 retry after 1', async () => {
    clock.advance(1000);
    assert.equal((await call('setWebhook', { url: receiver.url })).body.ok, true);
    const second = await call('setWebhook', { url: receiver.url });
    assert.deepEqual(second.body, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    assert.equal(second.headers.get('retry-after'), '1', '26: a 429 carries Retry-After');
    assert.equal((await call('deleteWebhook', {})).body.ok, true, 'deleting is not limited');
  });

  test('19: secret over 256 chars, an empty secret, max_connections clamped, bad allowed_updates ignored', async () => {
    clock.advance(1000);
    await fails('setWebhook', { url: receiver.url, secret_token: 'a'.repeat(257) }, 'Bad Request: secret token is too long');
    clock.advance(1000);
    assert.equal((await call('setWebhook', { url: receiver.url, secret_token: '', max_connections: 500, allowed_updates: '[nope' })).body.ok, true);
    const info = await api.getWebhookInfo();
    assert.equal(info.max_connections, 100);
    assert.equal(telegram.webhook?.secret_token, undefined);
    clock.advance(1000);
    assert.equal((await call('setWebhook', { url: receiver.url, allowed_updates: ['unknown_kind'] })).body.ok, true);
    const alice = await user();
    assert.equal(alice.sendMessage('still delivered').queued, true, 'unknown names fall back to the default set');
    await api.deleteWebhook();
  });

  test('20: a long poll open when the webhook is set ends with 409; timeout is capped at 50 s', async () => {
    await api.deleteWebhook({ drop_pending_updates: true });
    const poll = call('getUpdates', { timeout: 30, offset: 1 << 30 });
    // The poll must be open before the webhook is set (and before the clock moves), however slow the machine.
    await telegram.waitFor(() => telegram.longPollWaiting || undefined);
    clock.advance(1000);
    await api.setWebhook(receiver.url);
    const { body } = await poll;
    assert.deepEqual({ code: body.error_code, description: body.description }, { code: 409, description: 'Conflict: terminated by setWebhook request' });
    await api.deleteWebhook({ drop_pending_updates: true });
    const long = call('getUpdates', { timeout: 3600, offset: 1 << 30 });
    await telegram.waitFor(() => telegram.longPollWaiting || undefined);
    clock.advance(50_000);
    assert.deepEqual((await long).body, { ok: true, result: [] });
  });

  test('26: a webhook answering 410 Gone for 23 hours is closed', async () => {
    clock.advance(1000);
    await api.setWebhook(receiver.url);
    receiver.respondWith(() => ({ status: 410, headers: { 'retry-after': '3600' } }));
    const alice = await user();
    for (let hour = 0; hour < 25 && telegram.webhook !== undefined; hour++) {
      const before = telegram.deliveries.length;
      await telegram.waitFor(() => (telegram.deliveries.length > before || telegram.pendingUpdateIds.length === 0 ? true : undefined));
      clock.advance(3_600_000);
    }
    assert.equal(telegram.webhook, undefined);
    assert.equal((await api.getWebhookInfo()).url, '');
    receiver.reset();
    assert.ok(alice.id > 0);
  });
});

describe('bot, chats and parameters', () => {
  test('21: setMyCommands trims and strips a leading "/", refuses a blank description, and a missing list sets none', async () => {
    assert.equal((await call('setMyCommands', { commands: [{ command: ' /start ', description: ' Begin ' }] })).body.ok, true);
    assert.deepEqual(await api.getMyCommands(), [{ command: 'start', description: 'Begin' }]);
    await fails('setMyCommands', { commands: [{ command: 'help', description: '  ' }] }, 'Bad Request: command description must be non-empty');
    assert.equal((await call('setMyCommands', {})).body.ok, true);
    assert.deepEqual(await api.getMyCommands(), []);
  });

  test('22: an upgraded group\'s old id can still be read; its members and writes get migrate_to_chat_id', async () => {
    const alice = await user();
    const group = telegram.createGroup({ title: 'Basic', type: 'group', creator: alice });
    group.addBot();
    const { oldChatId, newChatId } = group.upgradeToSupergroup();
    const chat = await api.getChat(oldChatId);
    assert.equal(chat.id, oldChatId);
    const { body } = await call('getChatMemberCount', { chat_id: oldChatId });
    assert.deepEqual(body.parameters, { migrate_to_chat_id: newChatId });
    const write = await call('sendMessage', { chat_id: oldChatId, text: 'x' });
    assert.deepEqual(write.body.parameters, { migrate_to_chat_id: newChatId });
    const open = telegram.createGroup({ title: 'Public', username: 'public_club' });
    assert.equal((await api.getChat('@public_club')).id, open.id, 'a public supergroup is readable without membership');
    await fails('sendMessage', { chat_id: open.id, text: 'x' }, 'Forbidden: bot is not a member of the supergroup chat', 403);
  });

  test('23: chat methods word their refusals as the server does', async () => {
    const alice = await user();
    const bob = await user();
    await fails('banChatMember', { chat_id: alice.id, user_id: bob.id }, "Bad Request: can't ban members in private chats");
    await fails('leaveChat', { chat_id: alice.id }, "Bad Request: can't leave private chats");
    const group = telegram.createGroup({ title: 'Plain', members: [alice, bob] });
    group.addBot();
    await fails('banChatMember', { chat_id: group.id, user_id: bob.id }, 'Bad Request: not enough rights to restrict/unrestrict chat member');
    await fails('createChatInviteLink', { chat_id: group.id }, 'Bad Request: not enough rights to manage chat invite link');
    const basic = telegram.createGroup({ title: 'Basic', type: 'group', creator: alice });
    basic.addBot({ asAdmin: true });
    await fails('unbanChatMember', { chat_id: basic.id, user_id: bob.id }, 'Bad Request: method is available for supergroup and channel chats only');
    group.promoteBot();
    const link = await api.createChatInviteLink(group.id, { name: 'n'.repeat(40), creates_join_request: true, member_limit: 0, expire_date: 0 });
    assert.equal(link.name, 'n'.repeat(32));
    assert.equal('member_limit' in link || 'expire_date' in link, false, 'zero values are left out');
    await fails('createChatInviteLink', { chat_id: group.id, creates_join_request: true, member_limit: 5 },
      "Bad Request: member limit can't be specified for links requiring administrator approval");
  });

  test('24: parameter errors in the server\'s words and order', async () => {
    const alice = await user();
    const message = await api.sendMessage(alice.id, 'x');
    await fails('deleteMessage', { message_id: message.message_id }, 'Bad Request: chat identifier is not specified');
    await fails('editMessageText', { chat_id: alice.id, text: 'y' }, 'Bad Request: message to edit not found');
    await fails('getChatMember', { chat_id: alice.id }, 'Bad Request: invalid user_id specified');
    await fails('sendChatAction', { chat_id: alice.id }, 'Bad Request: wrong parameter action in request');
    await fails('sendChatAction', { chat_id: alice.id, action: 'dancing' }, 'Bad Request: wrong parameter action in request');
    await fails('sendMessage', { chat_id: 42, text: '<b>' , parse_mode: 'HTML' },
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"');
    const yes = await call('sendMessage', { chat_id: alice.id, text: 'quiet', disable_notification: 'Yes' });
    assert.equal(telegram.sentOptions(yes.body.result as Message)?.disable_notification, 'Yes');
    const badJson = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendMessage`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json',
    });
    assert.equal(((await badJson.json()) as { description: string }).description, 'Bad Request: message text is empty',
      'a body that is not JSON is ignored, so the call lacks its parameters');
  });
});

describe('errors', () => {
  test('26: the Forbidden errors for deleted accounts and deleted groups exist as helpers', async () => {
    const { userDeactivated, groupChatDeleted } = await import('../../emulator/telegram/index.js');
    const alice = await user();
    telegram.failNext('sendMessage', userDeactivated());
    await assert.rejects(api.sendMessage(alice.id, 'x'), (e: unknown) => e instanceof GrammyError && e.description === 'Forbidden: user is deactivated');
    telegram.failNext('sendMessage', groupChatDeleted());
    await assert.rejects(api.sendMessage(alice.id, 'x'), (e: unknown) => e instanceof GrammyError && e.description === 'Forbidden: the group chat was deleted');
  });
});

describe('result shapes', () => {
  test('25: an edited message comes back without the message it replies to; the stored one keeps it', async () => {
    const alice = await user();
    const question = await api.sendMessage(alice.id, 'question');
    const answer = await sent('sendMessage', { chat_id: alice.id, text: 'answer', reply_parameters: { message_id: question.message_id } });
    assert.equal(answer.reply_to_message?.message_id, question.message_id);
    const edited = await sent('editMessageText', { chat_id: alice.id, message_id: answer.message_id, text: 'better answer' });
    assert.equal(edited.text, 'better answer');
    assert.equal('reply_to_message' in edited, false);
    assert.equal(telegram.messagesIn(alice).find((m) => m.message_id === answer.message_id)?.reply_to_message?.message_id, question.message_id);
  });

  test('25: an administrator\'s keys follow the chat type, with can_manage_voice_chats beside can_manage_video_chats', async () => {
    const alice = await user();
    const keysIn = async (type: 'group' | 'supergroup' | 'channel') => {
      const chat = telegram.createGroup({ title: `Keys ${type}`, creator: alice, type });
      chat.addBot({ asAdmin: true });
      const member = (await call('getChatMember', { chat_id: chat.id, user_id: telegram.bot.id })).body.result as Record<string, unknown>;
      assert.equal(member.status, 'administrator');
      assert.equal(member.can_manage_voice_chats, member.can_manage_video_chats);
      return new Set(Object.keys(member));
    };
    const supergroup = await keysIn('supergroup');
    for (const key of ['can_pin_messages', 'can_manage_topics', 'can_manage_tags']) assert.ok(supergroup.has(key), key);
    for (const key of ['can_post_messages', 'can_edit_messages', 'can_manage_direct_messages']) assert.ok(!supergroup.has(key), key);
    const group = await keysIn('group');
    assert.ok(group.has('can_pin_messages') && !group.has('can_manage_topics'));
    const channel = await keysIn('channel');
    for (const key of ['can_post_messages', 'can_edit_messages', 'can_manage_direct_messages']) assert.ok(channel.has(key), key);
    for (const key of ['can_pin_messages', 'can_manage_topics', 'can_manage_tags']) assert.ok(!channel.has(key), key);
  });

  test('25: a basic group\'s Chat carries all_members_are_administrators; a supergroup\'s does not', async () => {
    const alice = await user();
    const group = telegram.createGroup({ title: 'Basic', creator: alice, type: 'group' });
    const supergroup = telegram.createGroup({ title: 'Super', creator: alice });
    group.addBot();
    supergroup.addBot();
    const chatOf = async (id: number) => (await sent('sendMessage', { chat_id: id, text: 'hi' })).chat as unknown as Record<string, unknown>;
    assert.equal((await chatOf(group.id)).all_members_are_administrators, false);
    assert.equal('all_members_are_administrators' in await chatOf(supergroup.id), false);
  });

  test('25: getWebhookInfo has ip_address once a URL is set: the given one, the URL\'s IP, or "<unknown>"', async () => {
    clock.advance(1000);
    await api.setWebhook(receiver.url);
    assert.equal((await api.getWebhookInfo()).ip_address, new URL(receiver.url).hostname);
    clock.advance(1000);
    await api.setWebhook(receiver.url, { ip_address: '203.0.113.7' });
    assert.equal((await api.getWebhookInfo()).ip_address, '203.0.113.7');
    clock.advance(1000);
    await api.setWebhook('https://bot.example.com/hook');
    assert.equal((await api.getWebhookInfo()).ip_address, '<unknown>');
    await api.deleteWebhook();
    assert.equal('ip_address' in (await api.getWebhookInfo()), false);
  });
});

describe('entities and MarkdownV2', () => {
  test('26: explicit entities are read as the server reads them: malformed ones refused, detected types dropped', async () => {
    const alice = await user();
    const refusedWith = (entities: unknown, reason: string) => fails('sendMessage', { chat_id: alice.id, text: 'hello world', entities },
      `Bad Request: can't parse MessageEntity: ${reason}`);
    await refusedWith([{ type: 'bold', length: 5 }], 'Can\'t find field "offset"');
    await refusedWith([{ type: 'bold', offset: 'x', length: 5 }], 'Field "offset" must be of type Number');
    await refusedWith(['bold'], 'expected an Object');
    await refusedWith([{ type: '', offset: 0, length: 5 }], 'Type is not specified');
    await refusedWith([{ type: 'sparkle', offset: 0, length: 5 }], 'Unsupported type specified');
    await refusedWith([{ type: 'text_link', offset: 0, length: 5 }], 'Can\'t find field "url"');
    await refusedWith([{ type: 'custom_emoji', offset: 0, length: 1 }], 'Can\'t find field "custom_emoji_id"');
    const kept = await sent('sendMessage', { chat_id: alice.id, text: 'hello world', entities: [{ type: 'bold', offset: '0', length: 5 }, { type: 'url', offset: 6, length: 5 }] });
    assert.deepEqual(kept.entities, [{ type: 'bold', offset: 0, length: 5 }]);
    // With a parse_mode the entities parameter is not read at all.
    assert.equal((await sent('sendMessage', { chat_id: alice.id, text: '<b>hi</b>', parse_mode: 'HTML', entities: ['junk'] })).text, 'hi');
  });

  test('26: MarkdownV2 keeps a backslash before a non-ASCII character, and [text] alone links to its text', async () => {
    const alice = await user();
    const backslash = await sent('sendMessage', { chat_id: alice.id, text: 'a\\é and \\\\ and end\\', parse_mode: 'MarkdownV2' });
    assert.equal(backslash.text, 'a\\é and \\ and end\\');
    const link = await sent('sendMessage', { chat_id: alice.id, text: 'see [example\\.com] or [nothing]', parse_mode: 'MarkdownV2' });
    assert.equal(link.text, 'see example.com or nothing');
    assert.deepEqual(link.entities, [{ type: 'text_link', offset: 4, length: 11, url: 'http://example.com/' }]);
  });
});
