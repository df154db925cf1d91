import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { postReaches, userWithAccount } from './publishSupport.js';
import { buttons, openSettings, pressEdit } from './chatSupport.js';

// Caption templates: added, listed and deleted in /settings (as answers to the bot's questions),
// within the plan's number, and chosen at /post's caption step.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
const next = (user: EmulatedUser, re: RegExp) => stack.telegram.waitForBotMessage(user, (m) => re.test(m.text ?? m.caption ?? ''), WAIT);

async function templatesScreen(user: EmulatedUser): Promise<Message> {
  return pressEdit(stack, user, await openSettings(stack, user), 'ig:set:tpl', /Caption templates \(/);
}

/** Adds a template through the screens: Add, the name, the text. Resolves with the bot's answer to the text. */
async function addTemplate(user: EmulatedUser, screen: Message, name: string, body: string): Promise<Message> {
  user.pressButton(screen, 'ig:set:tpl:add');
  await next(user, /Send the new template's name/);
  user.sendMessage(name);
  await next(user, /Now send the caption of/);
  user.sendMessage(body);
  const answer = await next(user, /saved|❌/);
  await stack.updatesDone();
  return answer;
}

const templatesOf = async (user: EmulatedUser) =>
  (await stack.db.sql<{ name: string; body: string }[]>`select name, body from caption_templates where user_id = ${user.id} order by id`).map((r) => [r.name, r.body]);

describe('caption templates in /settings', () => {
  test('Free keeps one template: the second is refused with the quota message and an Upgrade button', async () => {
    const { user } = await userWithAccount(stack, { plan: 'free' });
    const screen = await templatesScreen(user);
    assert.match(screen.text!, /Caption templates \(0 of 1\)[\s\S]*None yet/);
    assert.match((await addTemplate(user, screen, 'Sunset', 'Golden hour #sunset')).text!, /Template “Sunset” saved/);
    assert.deepEqual(await templatesOf(user), [['Sunset', 'Golden hour #sunset']]);
    user.pressButton(screen, 'ig:set:tpl:add');
    const refused = await next(user, /caption templates/);
    assert.match(refused.text!, /The Free plan keeps 1 caption templates, and you have 1[\s\S]*Upgrade to Basic for 5 templates/);
    assert.ok(buttons(refused).includes('plan:upgrade'));
    user.sendMessage('Another');
    await next(user, /did not understand/);
    assert.equal((await templatesOf(user)).length, 1);
  });

  test('a taken name and a text over Instagram\'s limits are refused and the next answer is taken; the list shows each', async () => {
    const { user } = await userWithAccount(stack);
    const screen = await templatesScreen(user);
    await addTemplate(user, screen, 'Travel', 'On the road #travel');
    user.pressButton(screen, 'ig:set:tpl:add');
    await next(user, /Send the new template's name/);
    user.sendMessage('Travel');
    await next(user, /already have a template named “Travel”/);
    user.sendMessage('Food');
    await next(user, /Now send the caption of “Food”/);
    user.sendMessage(Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' '));
    await next(user, /31 hashtags; Instagram allows 30/);
    user.sendMessage('Lunch #food');
    const saved = await next(user, /Template “Food” saved/);
    await stack.updatesDone();
    assert.deepEqual(await templatesOf(user), [['Travel', 'On the road #travel'], ['Food', 'Lunch #food']]);
    const list = await pressEdit(stack, user, saved, 'ig:set:tpl', /Caption templates \(2 of 20\)/);
    assert.match(list.text!, /Travel: On the road #travel[\s\S]*Food: Lunch #food/);
  });

  test('delete asks first; Cancel keeps the template, Delete removes it', async () => {
    const { user } = await userWithAccount(stack);
    const saved = await addTemplate(user, await templatesScreen(user), 'Old', 'Old caption');
    const screen = await pressEdit(stack, user, saved, 'ig:set:tpl', /Old: Old caption/);
    const [{ id } = { id: 0 }] = await stack.db.sql<{ id: number }[]>`select id from caption_templates where user_id = ${user.id}`;
    const confirm = await pressEdit(stack, user, screen, `ig:set:tpl:del:${id}`, /Delete the template “Old”\?/);
    const kept = await pressEdit(stack, user, confirm, 'ig:set:tpl', /Old: Old caption/);
    assert.equal((await templatesOf(user)).length, 1);
    const again = await pressEdit(stack, user, kept, `ig:set:tpl:del:${id}`, /Delete the template/);
    await pressEdit(stack, user, again, `ig:set:tpl:rm:${id}`, /None yet/);
    assert.equal((await templatesOf(user)).length, 0);
  });
});

describe('/post from a template', () => {
  test('the caption step offers the templates as buttons; the chosen one is the caption published', async () => {
    const { user, account } = await userWithAccount(stack);
    const screen = await templatesScreen(user);
    await addTemplate(user, screen, 'Beach', 'Sea and sand #beach');
    user.sendCommand('/post');
    await next(user, /Send me a photo/);
    await user.sendImage(await jpeg(1080, 1080));
    const received = await next(user, /Image received/);
    const postId = Number(/nocap:(\d+)/.exec(buttons(received).join())![1]);
    user.pressButton(received, `ig:post:tpl:${postId}`);
    const choose = await next(user, /Which template/);
    const [{ id } = { id: 0 }] = await stack.db.sql<{ id: number }[]>`select id from caption_templates where user_id = ${user.id}`;
    assert.deepEqual(buttons(choose), [`ig:post:tplu:${postId}:${id}`, `ig:post:cancel:${postId}`]);
    user.pressButton(choose, `ig:post:tplu:${postId}:${id}`);
    const alt = await next(user, /alt text/);
    user.pressButton(alt, `ig:post:skipalt:${postId}`);
    const preview = await next(user, /Post preview/);
    assert.match(preview.text!, /Caption: Sea and sand #beach/);
    user.pressButton(preview, `ig:post:now:${postId}`);
    await postReaches(stack, postId, ['published']);
    assert.equal(account.posts[0]!.caption, 'Sea and sand #beach');
  });

  test('without templates the caption step has no template button', async () => {
    const { user } = await userWithAccount(stack);
    user.sendCommand('/post');
    await next(user, /Send me a photo/);
    await user.sendImage(await jpeg(1080, 1080));
    const received = await next(user, /Image received/);
    assert.ok(!buttons(received).some((b) => b.startsWith('ig:post:tpl:')));
  });
});
