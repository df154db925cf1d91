import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Api } from 'grammy';
import { createSandboxHandler, type SandboxState, TelegramEmulator } from '../../emulator/telegram/index.js';

let telegram: TelegramEmulator;
let api: Api;
let server: Server;
let base: string;

before(async () => {
  telegram = await TelegramEmulator.start({ bot: { first_name: '<script>alert("x")</script> & Bot' } });
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  // Mounted the way the local server mounts it: first refusal falls through to the app's routes.
  const sandbox = createSandboxHandler(telegram);
  server = createServer((req, res) => {
    if (sandbox(req, res)) return;
    res.writeHead(404).end('app route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await telegram.close();
});

async function post<T>(action: string, body: unknown): Promise<T> {
  const res = await fetch(`${base}/sandbox/api/${action}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = (await res.json()) as T & { error?: string };
  assert.equal(res.status, 200, json.error);
  return json;
}

async function state(chat?: number): Promise<SandboxState> {
  return (await fetch(`${base}/sandbox/api/state${chat === undefined ? '' : `?chat=${chat}`}`)).json() as Promise<SandboxState>;
}

describe('the sandbox', () => {
  test('only /sandbox paths are handled', async () => {
    assert.equal(await (await fetch(`${base}/api/telegram`)).text(), 'app route');
    assert.equal(await (await fetch(`${base}/sandboxes`)).text(), 'app route');
  });

  test('the page is one self-contained document that escapes the bot\'s name and never injects markup', async () => {
    const res = await fetch(`${base}/sandbox`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await res.text();
    assert.ok(!html.includes('<script>alert'), 'the bot name is escaped');
    assert.ok(html.includes('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Bot'));
    assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(html), 'all dynamic text goes through textContent');
    assert.ok(!/<(link|script)[^>]+(src|href)=/.test(html), 'no external resources');
  });

  test('a person creates a user, chats with the bot, presses its button and sees the edit', async () => {
    const { id: userId } = await post<{ id: number }>('users', { first_name: 'Sandy' });
    const sent = await post<{ update_id: number; queued: boolean }>('send', { userId, chatId: userId, text: '/start' });
    assert.equal(sent.queued, true);
    assert.equal(telegram.updates.at(-1)?.message?.text, '/start');

    const reply = await api.sendMessage(userId, '<b>Hi</b> <img src=x onerror=alert(1)>', {
      reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
    });
    const view = await state(userId);
    assert.deepEqual(view.users.map((u) => u.first_name), ['Sandy']);
    const shown = view.messages.at(-1);
    assert.equal(shown?.fromBot, true);
    assert.equal(shown?.message.text, '<b>Hi</b> <img src=x onerror=alert(1)>', 'text is data in JSON, rendered with textContent');

    const pressed = await post<{ queryId: string }>('press', { userId, chatId: userId, messageId: reply.message_id, data: 'go' });
    await api.answerCallbackQuery(pressed.queryId, { text: 'Going!' });
    await api.editMessageText(userId, reply.message_id, 'Gone');
    const after = await state(userId);
    assert.equal(after.messages.at(-1)?.message.text, 'Gone');
    assert.ok(after.version > view.version);
    assert.deepEqual(after.callbackAnswers[pressed.queryId], { text: 'Going!' });
  });

  test('groups: create one with the bot as admin, request to join as another user, talk there', async () => {
    const { id: ownerId } = await post<{ id: number }>('users', { first_name: 'Owner' });
    const { id: groupId } = await post<{ id: number }>('groups', { title: 'Sandbox group', type: 'supergroup', userId: ownerId, bot: 'admin' });
    const { id: guestId } = await post<{ id: number }>('users', { first_name: 'Guest', username: 'guest' });
    const request = await post<{ queued: boolean }>('join', { userId: guestId, chatId: groupId, mode: 'request' });
    assert.equal(request.queued, true, 'an admin bot gets the join request');
    const view = await state(groupId);
    const group = view.groups.find((g) => g.id === groupId);
    assert.equal(group?.botStatus, 'administrator');
    assert.deepEqual(group?.joinRequests, [guestId]);

    await api.approveChatJoinRequest(groupId, guestId);
    await post('send', { userId: guestId, chatId: groupId, text: 'hello all' });
    const messages = (await state(groupId)).messages.map((m) => m.message.text ?? (m.message.new_chat_members ? 'joined' : '?'));
    assert.deepEqual(messages, ['joined', 'joined', 'hello all']);
  });

  test('mistakes come back as 400 with a reason; other sites cannot post forms to it', async () => {
    const notMember = await fetch(`${base}/sandbox/api/send`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 1, text: 'x' }),
    });
    assert.equal(notMember.status, 400);
    assert.match(((await notMember.json()) as { error: string }).error, /no user 1/);
    const invalid = await fetch(`${base}/sandbox/api/users`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ first_name: '' }),
    });
    assert.equal(invalid.status, 400);
    const form = await fetch(`${base}/sandbox/api/users`, { method: 'POST', body: new URLSearchParams({ first_name: 'X' }) });
    assert.equal(form.status, 415);
  });

  test('serveSandbox mounts the page on the emulator\'s own port too', async () => {
    const standalone = await TelegramEmulator.start({ serveSandbox: true });
    try {
      assert.equal((await fetch(`${standalone.apiRoot}/sandbox`)).status, 200);
      const me = (await (await fetch(`${standalone.apiRoot}/bot${standalone.token}/getMe`)).json()) as { ok: boolean };
      assert.equal(me.ok, true);
    } finally {
      await standalone.close();
    }
  });
});

describe('the sandbox: payments with pretend Stars', () => {
  test('an invoice link button (a Star subscription) is paid from the page: pre-checkout, then successful_payment with the subscription', async () => {
    const { id: userId } = await post<{ id: number }>('users', { first_name: 'Payer' });
    await post('send', { userId, chatId: userId, text: '/start' });
    const link = await api.createInvoiceLink('Pro', 'Monthly', 'sub:pro:sandbox', '', 'XTR', [{ label: 'Pro', amount: 1450 }], { subscription_period: 2_592_000 });
    await api.sendMessage(userId, 'Pay for Pro', { reply_markup: { inline_keyboard: [[{ text: 'Pay 1,450 ⭐', url: link }]] } });
    const html = await (await fetch(`${base}/sandbox`)).text();
    assert.match(html, /startsWith\('https:\/\/t\.me\/\$'\)/, 'the page turns invoice links into pay buttons');
    const paid = await post<{ update_id: number }>('paylink', { userId, link });
    const query = telegram.updates.find((u) => u.update_id === paid.update_id)!.pre_checkout_query!;
    assert.equal(query.invoice_payload, 'sub:pro:sandbox');
    await api.answerPreCheckoutQuery(query.id, true);
    const payment = telegram.updates.at(-1)!.message!.successful_payment!;
    assert.deepEqual([payment.total_amount, payment.is_first_recurring], [1450, true]);
    const res = await fetch(`${base}/sandbox/api/paylink`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, link: 'https://example.com/pay' }) });
    assert.equal(res.status, 400);
  });
});
