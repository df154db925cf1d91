import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { readAuditLog } from '../../shared/modules/audit/readAuditLog.js';
import { readPageToken } from '../../shared/modules/instapost/instagramAccounts.js';
import { grantPlan } from '../../shared/modules/plans/grantPlan.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { buttons } from './chatSupport.js';

// /account end to end: the user pastes a Page token into the chat (the emulated Instagram's), the
// bot deletes the message, looks the account up, asks to confirm, and stores the token encrypted.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 15_000 };
let n = 0;
const newUser = (language_code = 'en') => stack.telegram.createUser({ first_name: `Poster${++n}`, language_code });
async function say(user: EmulatedUser, text: string): Promise<Message> {
  if (text.startsWith('/')) user.sendCommand(text);
  else user.sendMessage(text);
  return stack.telegram.waitForBotMessage(user, undefined, WAIT);
}
async function press(user: EmulatedUser, message: Message, data: string): Promise<Message> {
  user.pressButton(message, data);
  return stack.telegram.waitForBotMessage(user, undefined, WAIT);
}

async function connect(user: EmulatedUser, token: string): Promise<Message> {
  const list = await say(user, '/account');
  await press(user, list, 'ig:acc:connect');
  const found = await say(user, token);
  return found;
}

describe('/account', () => {
  test('/start and /help show the growth and the InstaPost features together', async () => {
    const user = newUser();
    const welcome = await say(user, '/start');
    assert.ok(buttons(welcome).includes('menu:live') && buttons(welcome).includes('menu:account'), buttons(welcome).join());
    const help = await say(user, '/help');
    assert.match(help.text!, /^\/golive — /m);
    assert.match(help.text!, /^\/account — /m);
  });

  test('a Page token connects its Instagram account after confirmation; the token message is deleted and the token stored encrypted', async () => {
    const account = stack.instagram.createAccount({ username: 'sunset_studio', followers: 4321 });
    const user = newUser();
    await say(user, '/start');
    const found = await connect(user, account.pageToken);
    assert.match(found.text!, /@sunset_studio/);
    assert.match(found.text!, /4,321/);
    // The user's token message is gone from the chat.
    assert.ok(!stack.telegram.messagesIn(user).some((m) => m.text === account.pageToken), 'the token is still in the chat');
    await stack.updatesDone();
    assert.equal((await stack.db.sql`select 1 from instagram_accounts where user_id = ${user.id}`).length, 0, 'connected before confirming');
    const done = await press(user, found, 'ig:acc:confirm');
    assert.match(done.text!, /@sunset_studio is connected/);
    await stack.updatesDone();
    const [row] = await stack.db.sql<{ ig_user_id: string; is_default: boolean; page_token_encrypted: string }[]>`
      select ig_user_id, is_default, page_token_encrypted from instagram_accounts where user_id = ${user.id}`;
    assert.equal(row!.ig_user_id, account.igUserId);
    assert.equal(row!.is_default, true);
    assert.ok(!row!.page_token_encrypted.includes(account.pageToken));
    assert.match(row!.page_token_encrypted, /^v1:/);
    await stack.updatesDone();
    const [id] = await stack.db.sql<{ id: number }[]>`select id from instagram_accounts where user_id = ${user.id}`;
    await stack.updatesDone();
    assert.equal(await readPageToken(stack.db.sql, stack.services.keyring, id!.id), account.pageToken);
    // The growth bot's /username username follows the connected account: one identity.
    await stack.updatesDone();
    const [u] = await stack.db.sql`select live_username from users where id = ${user.id}`;
    assert.equal(u!.live_username, 'sunset_studio');
    // No table holds the token in plain text.
    await stack.updatesDone();
    const dump = await stack.db.sql`select row_to_json(s)::text as t from sessions s union all select row_to_json(a)::text from instagram_accounts a
      union all select row_to_json(l)::text from audit_log l`;
    assert.ok(dump.every((r) => !String(r.t).includes(account.pageToken)), 'a token in plain text in the database');
    // Confirming again does nothing more.
    const again = await press(user, found, 'ig:acc:confirm');
    assert.match(again.text!, /expired or was already used/);
    await stack.updatesDone();
    assert.equal((await stack.db.sql`select 1 from instagram_accounts where user_id = ${user.id}`).length, 1);
    // The connection is in the audit log once, by the user, without the token.
    const audit = await readAuditLog(stack.db.sql, user.id);
    assert.deepEqual(audit.map((r) => [r.action, r.actorId, r.details]),
      [['instagram.connect', user.id, { account_id: id!.id, ig_user_id: account.igUserId, username: 'sunset_studio', reconnect: false }]]);
  });

  test('a token of a Page without Instagram is refused with what to do; a revoked token is refused', async () => {
    const page = stack.instagram.createPageWithoutInstagram('Bakery Page');
    const user = newUser();
    await say(user, '/start');
    const refused = await connect(user, page.pageToken);
    assert.match(refused.text!, /“Bakery Page” has no Instagram business account linked/);
    assert.match(refused.text!, /professional account/);
    const revoked = stack.instagram.createAccount({ username: 'gone_account' });
    revoked.revokeTokens();
    const rejected = await connect(user, revoked.pageToken);
    assert.match(rejected.text!, /Facebook rejected this token/);
    await stack.updatesDone();
    assert.equal((await stack.db.sql`select 1 from instagram_accounts where user_id = ${user.id}`).length, 0);
  });

  test('several accounts: set default, the plan limit, disconnect; answered in Russian', async () => {
    const a = stack.instagram.createAccount({ username: 'first_acc' });
    const b = stack.instagram.createAccount({ username: 'second_acc' });
    const c = stack.instagram.createAccount({ username: 'third_acc' });
    const user = newUser('ru');
    await say(user, '/start');
    await stack.updatesDone();
    // Basic connects 2 accounts (the plan's limit, shared/modules/plans/plans.ts).
    await grantPlan(stack.db.sql, { userId: user.id, plan: 'basic', until: null, source: 'admin' });
    for (const acc of [a, b]) await press(user, await connect(user, acc.pageToken), 'ig:acc:confirm');
    const limited = await press(user, await connect(user, c.pageToken), 'ig:acc:confirm');
    assert.match(limited.text!, /Тариф Basic позволяет подключить 2 аккаунтов Instagram, у вас 2/);
    assert.match(limited.text!, /Тариф Pro: 5 аккаунтов/, 'the next plan and what it allows');
    assert.deepEqual(buttons(limited), ['plan:upgrade']);
    const list = await say(user, '/account');
    assert.match(list.text!, /@first_acc.*по умолчанию/);
    await stack.updatesDone();
    const [second] = await stack.db.sql<{ id: number }[]>`select id from instagram_accounts where user_id = ${user.id} and username = 'second_acc'`;
    assert.ok(buttons(list).includes(`ig:acc:default:${second!.id}`));
    const after = await press(user, list, `ig:acc:default:${second!.id}`);
    assert.match(after.text!, /@second_acc.*по умолчанию/);
    const gone = await press(user, after, `ig:acc:disconnect:${second!.id}`);
    assert.match(gone.text!, /@second_acc отключён/);
    await stack.updatesDone();
    const rows = await stack.db.sql<{ username: string; is_default: boolean }[]>`select username, is_default from instagram_accounts where user_id = ${user.id}`;
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ username: 'first_acc', is_default: true }]);
    const audit = await readAuditLog(stack.db.sql, user.id);
    assert.deepEqual(audit.map((r) => [r.action, r.details.username]),
      [['instagram.disconnect', 'second_acc'], ['instagram.connect', 'second_acc'], ['instagram.connect', 'first_acc']]);
  });

  test('trying tokens is limited to 5 an hour (account_connect): the 6th is not looked up', async () => {
    const user = newUser();
    await say(user, '/start');
    for (let i = 0; i < 5; i++) assert.match((await connect(user, `EAAnotARealToken${i}xxxxxxxxxxxx`)).text!, /Facebook rejected this token/);
    const limited = await connect(user, 'EAAnotARealToken5xxxxxxxxxxxx');
    assert.match(limited.text!, /too many at once/);
    assert.equal(stack.instagram.calls.filter((c) => c.operation === 'me').length > 0, true);
  });
});
