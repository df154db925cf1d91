import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, GrammyError, InputFile } from 'grammy';
import {
  botKicked, serverError, TelegramEmulator, tooManyRequests,
} from '../../emulator/telegram/index.js';

let telegram: TelegramEmulator;
let api: Api;

before(async () => {
  telegram = await TelegramEmulator.start({ bot: { first_name: 'Growth', username: 'growth_bot' } });
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
});
after(() => telegram.close());

/** Runs `call` and returns the GrammyError it must throw. */
async function grammyError(call: () => Promise<unknown>): Promise<GrammyError> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof GrammyError, `expected a GrammyError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('the Bot API as grammY sees it', () => {
  test('getMe returns the configured bot, whose id is the number in the token', async () => {
    const me = await api.getMe();
    assert.equal(me.id, 123456);
    assert.equal(me.username, 'growth_bot');
    assert.equal(me.is_bot, true);
    assert.equal(me.can_read_all_group_messages, false);
  });

  test('a wrong token gets Telegram\'s exact 401 body', async () => {
    const res = await fetch(`${telegram.apiRoot}/bot999:WRONG/getMe`);
    assert.equal(res.status, 401);
    assert.equal(await res.text(), '{"ok":false,"error_code":401,"description":"Unauthorized"}');
    const error = await grammyError(() => new Api('999:WRONG', { apiRoot: telegram.apiRoot }).getMe());
    assert.equal(error.error_code, 401);
  });

  test('an unknown method gets 404 "Not Found: method not found"', async () => {
    const res = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendTelepathy`, { method: 'POST' });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { ok: false, error_code: 404, description: 'Not Found: method not found' });
  });

  test('method names are case-insensitive and GET with a query string works, as at api.telegram.org', async () => {
    const res = await fetch(`${telegram.apiRoot}/bot${telegram.token}/getme`);
    assert.deepEqual(((await res.json()) as { result: { id: number } }).result.id, 123456);
  });

  test('sendMessage returns a real-looking Message: per-chat ids, the bot as sender, HTML parsed into entities, the inline keyboard', async () => {
    const alice = telegram.createUser({ first_name: 'Alice' });
    alice.sendCommand('/start');
    const keyboard = { inline_keyboard: [[{ text: 'Join', callback_data: 'join:1' }]] };
    const sent = await api.sendMessage(alice.id, 'Hello <b>Alice</b> &amp; friends', { parse_mode: 'HTML', reply_markup: keyboard });
    assert.equal(sent.message_id, 2, 'the user\'s /start was message 1 in this chat');
    assert.equal(sent.chat.id, alice.id);
    assert.equal(sent.chat.type, 'private');
    assert.equal(sent.from?.id, telegram.bot.id);
    assert.equal(sent.text, 'Hello Alice & friends');
    assert.deepEqual(sent.entities, [{ type: 'bold', offset: 6, length: 5 }]);
    assert.deepEqual(sent.reply_markup, keyboard);
    assert.ok(Math.abs(sent.date - Date.now() / 1000) < 5);
    assert.equal(telegram.sentOptions(sent)?.parse_mode, 'HTML');
    assert.deepEqual(telegram.lastBotMessage(alice), sent);
    const call = telegram.callsTo('sendMessage').at(-1);
    assert.equal(call?.params.chat_id, alice.id);
    assert.equal(call?.response.ok, true);
  });

  test('markup Telegram cannot parse fails with its "can\'t parse entities" errors', async () => {
    const bob = telegram.createUser({ first_name: 'Bob' });
    bob.sendCommand('/start');
    const html = await grammyError(() => api.sendMessage(bob.id, 'Hi <Bob>', { parse_mode: 'HTML' }));
    assert.equal(html.error_code, 400);
    assert.equal(html.description, 'Bad Request: can\'t parse entities: Unsupported start tag "bob" at byte offset 3');
    const markdown = await grammyError(() => api.sendMessage(bob.id, 'You have 5 points.', { parse_mode: 'MarkdownV2' }));
    assert.equal(markdown.description,
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    const ok = await api.sendMessage(bob.id, '*5* points\\.', { parse_mode: 'MarkdownV2' });
    assert.equal(ok.text, '5 points.');
    assert.deepEqual(ok.entities, [{ type: 'bold', offset: 0, length: 1 }]);
  });

  test('bad keyboards fail like Telegram: callback_data over 64 bytes, buttons without an action', async () => {
    const carol = telegram.createUser({ first_name: 'Carol' });
    carol.sendCommand('/start');
    const long = await grammyError(() => api.sendMessage(carol.id, 'x', {
      reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'x'.repeat(65) }]] },
    }));
    assert.equal(long.description, 'Bad Request: BUTTON_DATA_INVALID');
    const bare = await grammyError(() => api.sendMessage(carol.id, 'x', {
      reply_markup: { inline_keyboard: [[{ text: 'x' } as never]] },
    }));
    assert.match(bare.description, /Text buttons are unallowed in the inline keyboard/);
  });

  test('editing: a missing message, an unchanged message, and an edit without reply_markup dropping the keyboard', async () => {
    const dan = telegram.createUser({ first_name: 'Dan' });
    dan.sendCommand('/start');
    const keyboard = { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] };
    const sent = await api.sendMessage(dan.id, 'Pick one', { reply_markup: keyboard });

    const missing = await grammyError(() => api.editMessageText(dan.id, 999, 'x'));
    assert.equal(missing.description, 'Bad Request: message to edit not found');

    const same = await grammyError(() => api.editMessageText(dan.id, sent.message_id, 'Pick one', { reply_markup: keyboard }));
    assert.equal(same.error_code, 400);
    assert.equal(same.description, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');

    const sameMarkup = await grammyError(() => api.editMessageReplyMarkup(dan.id, sent.message_id, { reply_markup: keyboard }));
    assert.match(sameMarkup.description, /message is not modified/);

    const edited = await api.editMessageText(dan.id, sent.message_id, 'Picked');
    assert.ok(edited !== true && 'text' in edited);
    assert.equal(edited.text, 'Picked');
    assert.equal(edited.reply_markup, undefined, 'Telegram removes the keyboard when an edit omits reply_markup');
    assert.ok(typeof edited.edit_date === 'number');
    assert.equal(telegram.messagesIn(dan).at(-1)?.text, 'Picked');

    const userMessage = telegram.historyIn(dan)[0];
    const notOwn = await grammyError(() => api.editMessageText(dan.id, userMessage?.message_id ?? 0, 'hacked'));
    assert.equal(notOwn.description, "Bad Request: message can't be edited");
  });

  test('deleteMessage removes the message; editing it afterwards fails, deleting it again too', async () => {
    const eve = telegram.createUser({ first_name: 'Eve' });
    eve.sendCommand('/start');
    const sent = await api.sendMessage(eve.id, 'temporary');
    assert.equal(await api.deleteMessage(eve.id, sent.message_id), true);
    assert.equal(telegram.messagesIn(eve).length, 0);
    assert.equal((await grammyError(() => api.editMessageText(eve.id, sent.message_id, 'x'))).description,
      'Bad Request: message to edit not found');
    assert.equal((await grammyError(() => api.deleteMessage(eve.id, sent.message_id))).description,
      'Bad Request: message to delete not found');
  });

  test('injected errors reach grammY as GrammyErrors carrying Telegram\'s parameters', async () => {
    const fay = telegram.createUser({ first_name: 'Fay' });
    fay.sendCommand('/start');
    telegram.failNext('sendMessage', tooManyRequests(7));
    const limited = await grammyError(() => api.sendMessage(fay.id, 'x'));
    assert.equal(limited.error_code, 429);
    assert.equal(limited.description, 'Too Many Requests: retry after 7');
    assert.equal(limited.parameters.retry_after, 7);
    assert.ok(await api.sendMessage(fay.id, 'the next call succeeds'));

    telegram.failNext('sendMessage', serverError(502), { times: 2 });
    assert.equal((await grammyError(() => api.sendMessage(fay.id, 'x'))).description, 'Bad Gateway');
    assert.equal((await grammyError(() => api.sendMessage(fay.id, 'x'))).error_code, 502);
    assert.ok(await api.sendMessage(fay.id, 'ok again'));

    const other = telegram.createUser({ first_name: 'Gil' });
    other.sendCommand('/start');
    telegram.failNext('sendMessage', botKicked(), { chatId: other.id });
    assert.ok(await api.sendMessage(fay.id, 'another chat is unaffected'));
    assert.equal((await grammyError(() => api.sendMessage(other.id, 'x'))).description,
      'Forbidden: bot was kicked from the group chat');

    const injection = telegram.injectError((call) => call.method === 'getChat', serverError());
    assert.equal((await grammyError(() => api.getChat(fay.id))).error_code, 500);
    assert.equal((await grammyError(() => api.getChat(fay.id))).error_code, 500);
    injection.remove();
    assert.equal((await api.getChat(fay.id)).id, fay.id);
    assert.equal(telegram.callsTo('getChat').length, 3, 'failed calls are recorded too');
  });

  test('who cannot be messaged: unknown chat, a user who never started the bot, a user who blocked it', async () => {
    assert.equal((await grammyError(() => api.sendMessage(-42, 'x'))).description, 'Bad Request: chat not found');
    const shy = telegram.createUser({ first_name: 'Shy' });
    const never = await grammyError(() => api.sendMessage(shy.id, 'x'));
    assert.equal(never.error_code, 403);
    assert.equal(never.description, "Forbidden: bot can't initiate conversation with a user");

    const hal = telegram.createUser({ first_name: 'Hal' });
    hal.sendCommand('/start');
    const blocked = hal.blockBot();
    assert.equal(blocked.update.my_chat_member?.new_chat_member.status, 'kicked');
    const error = await grammyError(() => api.sendMessage(hal.id, 'come back'));
    assert.equal(error.error_code, 403);
    assert.equal(error.description, 'Forbidden: bot was blocked by the user');
    hal.sendMessage('hi again');
    assert.ok(await api.sendMessage(hal.id, 'welcome back'), 'writing to the bot unblocks it');
  });

  test('a group the bot was removed from answers 403 kicked; an upgraded group answers with migrate_to_chat_id', async () => {
    const owner = telegram.createUser({ first_name: 'Owner' });
    const group = telegram.createGroup({ title: 'Old group', type: 'group', creator: owner });
    group.addBot({ by: owner });
    assert.ok(await api.sendMessage(group.id, 'hello group'));

    const { oldChatId, newChatId } = group.upgradeToSupergroup();
    assert.equal(group.id, newChatId);
    assert.ok(newChatId < -1_000_000_000_000, 'supergroup ids carry the -100 prefix');
    const moved = await grammyError(() => api.sendMessage(oldChatId, 'x'));
    assert.equal(moved.error_code, 400);
    assert.equal(moved.description, 'Bad Request: group chat was upgraded to a supergroup chat');
    assert.equal(moved.parameters.migrate_to_chat_id, newChatId);
    assert.ok(await api.sendMessage(newChatId, 'hello supergroup'));

    group.removeBot({ by: owner });
    const kicked = await grammyError(() => api.sendMessage(newChatId, 'x'));
    assert.equal(kicked.error_code, 403);
    assert.equal(kicked.description, 'Forbidden: bot was kicked from the supergroup chat');

    const basic = telegram.createGroup({ title: 'Basic', type: 'group', creator: owner });
    basic.addBot();
    basic.removeBot();
    assert.equal((await grammyError(() => api.sendMessage(basic.id, 'x'))).description,
      'Forbidden: bot was kicked from the group chat');
  });

  test('sendPhoto with an upload goes as multipart; the photo can be fetched back via getFile', async () => {
    const ivy = telegram.createUser({ first_name: 'Ivy' });
    ivy.sendCommand('/start');
    const bytes = Buffer.from('not really a jpeg');
    const sent = await api.sendPhoto(ivy.id, new InputFile(bytes, 'cat.jpg'), {
      caption: 'A <i>cat</i>', parse_mode: 'HTML', reply_markup: { inline_keyboard: [[{ text: 'Like', callback_data: 'like' }]] },
    });
    assert.equal(sent.photo.length, 3);
    assert.equal(sent.caption, 'A cat');
    assert.deepEqual(sent.caption_entities, [{ type: 'italic', offset: 2, length: 3 }]);
    const call = telegram.callsTo('sendPhoto').at(-1);
    assert.equal(call?.params.chat_id, ivy.id, 'multipart fields are decoded to numbers like JSON ones');
    assert.match(String(call?.params.photo), /^attach:\/\//);
    assert.deepEqual(call?.params.reply_markup, { inline_keyboard: [[{ text: 'Like', callback_data: 'like' }]] });

    const largest = sent.photo.at(-1);
    const file = await api.getFile(largest?.file_id ?? '');
    assert.equal(file.file_size, bytes.length);
    const download = await fetch(`${telegram.apiRoot}/file/bot${telegram.token}/${file.file_path}`);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);

    const recaptioned = await api.editMessageCaption(ivy.id, sent.message_id, { caption: 'A dog' });
    assert.ok(recaptioned !== true);
    assert.equal(recaptioned.caption, 'A dog');
    assert.equal(recaptioned.caption_entities, undefined);
    assert.equal(recaptioned.reply_markup, undefined);
    const uncaptioned = await api.editMessageCaption(ivy.id, sent.message_id);
    assert.ok(uncaptioned !== true);
    assert.equal(uncaptioned.caption, undefined, 'an edit without caption removes it');
    assert.equal(telegram.messagesIn(ivy).at(-1)?.photo?.length, 3);

    const again = await api.sendPhoto(ivy.id, largest?.file_id ?? '');
    assert.equal(again.photo[0]?.file_id, largest?.file_id, 'a known file_id is reused');
    assert.equal((await grammyError(() => api.sendPhoto(ivy.id, 'no-such-file'))).description,
      'Bad Request: wrong file identifier/HTTP URL specified');
    assert.equal((await grammyError(() => api.getFile('nope'))).description, 'Bad Request: invalid file_id');
  });

  test('form-encoded requests are decoded like JSON ones', async () => {
    const jon = telegram.createUser({ first_name: 'Jon' });
    jon.sendCommand('/start');
    const body = new URLSearchParams({
      chat_id: String(jon.id), text: '12345', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'x', url: 'https://t.me' }]] }),
    });
    const res = await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendMessage`, { method: 'POST', body });
    const json = (await res.json()) as { ok: boolean; result: { text: string; reply_markup: unknown } };
    assert.equal(json.ok, true);
    assert.equal(json.result.text, '12345', 'text stays a string even when it looks like a number');
    assert.deepEqual(json.result.reply_markup, { inline_keyboard: [[{ text: 'x', url: 'https://t.me' }]] });
  });

  test('command lists are stored per scope and language, without fallback', async () => {
    await api.setMyCommands([{ command: 'start', description: 'Start' }]);
    await api.setMyCommands([{ command: 'start', description: 'Начать' }], { language_code: 'ru' });
    await api.setMyCommands([{ command: 'stats', description: 'Stats' }], { scope: { type: 'all_chat_administrators' } });
    assert.deepEqual(await api.getMyCommands(), [{ command: 'start', description: 'Start' }]);
    assert.deepEqual(await api.getMyCommands({ language_code: 'ru' }), [{ command: 'start', description: 'Начать' }]);
    assert.deepEqual(await api.getMyCommands({ scope: { type: 'all_chat_administrators' } }), [{ command: 'stats', description: 'Stats' }]);
    assert.deepEqual(await api.getMyCommands({ language_code: 'de' }), []);
    assert.equal((await grammyError(() => api.setMyCommands([{ command: 'Bad-Command', description: 'x' }]))).description,
      'Bad Request: BOT_COMMAND_INVALID');
  });

  test('a callback query can be answered once', async () => {
    const kim = telegram.createUser({ first_name: 'Kim' });
    kim.sendCommand('/start');
    const sent = await api.sendMessage(kim.id, 'Vote', { reply_markup: { inline_keyboard: [[{ text: 'Up', callback_data: 'up' }]] } });
    const press = kim.pressButton(sent, 'up');
    const query = press.update.callback_query;
    assert.ok(query);
    assert.equal(query.data, 'up');
    assert.equal(query.message?.message_id, sent.message_id);
    assert.equal(await api.answerCallbackQuery(query.id, { text: 'Counted' }), true);
    assert.equal(telegram.callbackAnswer(query.id)?.text, 'Counted');
    assert.equal((await grammyError(() => api.answerCallbackQuery(query.id))).description,
      'Bad Request: query is too old and response timeout expired or query ID is invalid');
  });
});

describe('rate limits (enforceLimits)', () => {
  test('a group gets 429 with a retry_after once its per-minute budget is spent', async () => {
    const limited = await TelegramEmulator.start({ enforceLimits: { group: { limit: 3, windowMs: 60_000 } } });
    try {
      const bot = new Api(limited.token, { apiRoot: limited.apiRoot });
      const group = limited.createGroup({ title: 'Busy' });
      group.addBot();
      for (let i = 0; i < 3; i++) await bot.sendMessage(group.id, `message ${i}`);
      const error = await grammyError(() => bot.sendMessage(group.id, 'one too many'));
      assert.equal(error.error_code, 429);
      assert.ok((error.parameters.retry_after ?? 0) >= 59 && (error.parameters.retry_after ?? 0) <= 60);
      const alice = limited.createUser({ first_name: 'Alice' });
      alice.sendCommand('/start');
      assert.ok(await bot.sendMessage(alice.id, 'other chats are not limited by the group'));
    } finally {
      await limited.close();
    }
  });

  test('the global limit covers all chats together', async () => {
    const limited = await TelegramEmulator.start({ enforceLimits: { global: { limit: 4, windowMs: 1000 } } });
    try {
      const bot = new Api(limited.token, { apiRoot: limited.apiRoot });
      const users = ['A', 'B', 'C', 'D', 'E'].map((name) => limited.createUser({ first_name: name }));
      for (const user of users) user.sendCommand('/start');
      for (const user of users.slice(0, 4)) await bot.sendMessage(user.id, 'broadcast');
      const error = await grammyError(() => bot.sendMessage(users[4]?.id ?? 0, 'broadcast'));
      assert.equal(error.description, 'Too Many Requests: retry after 1');
    } finally {
      await limited.close();
    }
  });
});
