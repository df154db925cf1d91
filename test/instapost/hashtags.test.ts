import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { appendHashtags, parseHashtags } from '../../shared/modules/instapost/autoHashtags.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { postReaches, userWithAccount } from './publishSupport.js';
import { buttons, openSettings, pressEdit } from './chatSupport.js';

// Auto hashtags: set in /settings, added to every caption at /post before it is checked, shown in
// the preview, and published.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
const next = (user: EmulatedUser, re: RegExp) => stack.telegram.waitForBotMessage(user, (m) => re.test(m.text ?? m.caption ?? ''), WAIT);

/** Opens the auto hashtags screen from /settings. */
async function hashtagsScreen(user: EmulatedUser): Promise<Message> {
  return pressEdit(stack, user, await openSettings(stack, user), 'ig:set:tags', /They are added to the end/);
}

async function setHashtags(user: EmulatedUser, text: string): Promise<void> {
  await hashtagsScreen(user);
  user.sendMessage(text);
  await next(user, /Every caption now ends with/);
  await stack.updatesDone();
}

const savedTags = async (user: EmulatedUser) => (await stack.db.sql`select auto_hashtags from users where id = ${user.id}`)[0]!.auto_hashtags as string;

/** /post up to the caption step: resolves with the draft's id. */
async function draftAtCaption(user: EmulatedUser): Promise<number> {
  user.sendCommand('/post');
  await next(user, /Send me a photo/);
  await user.sendImage(await jpeg(1080, 1080));
  const received = await next(user, /Image received/);
  return Number(/nocap:(\d+)/.exec(buttons(received).join())![1]);
}

describe('auto hashtags', () => {
  test('parsed from words or hashtags, repeats dropped; added once at the end, never repeating one the caption has', () => {
    assert.deepEqual(parseHashtags('#travel, photo #Travel\n#фото_дня'), { tags: ['#travel', '#photo', '#фото_дня'] });
    assert.deepEqual(parseHashtags('#ok no-way'), { invalid: 'no-way' });
    assert.deepEqual(parseHashtags(Array.from({ length: 31 }, (_, i) => `t${i}`).join(' ')), { tooMany: 31 });
    assert.deepEqual(appendHashtags('Beach day #PHOTO', ['#travel', '#photo']), { caption: 'Beach day #PHOTO\n\n#travel', added: 1 });
    assert.deepEqual(appendHashtags('Beach day #PHOTO\n\n#travel', ['#travel', '#photo']), { caption: 'Beach day #PHOTO\n\n#travel', added: 0 });
    assert.deepEqual(appendHashtags('', ['#travel']), { caption: '#travel', added: 1 });
  });

  test('set in /settings: a word that is no hashtag is refused and the next answer taken; Remove clears them', async () => {
    const { user } = await userWithAccount(stack);
    await hashtagsScreen(user);
    user.sendMessage('#ok no-way');
    await next(user, /“no-way” is not a hashtag/);
    user.sendMessage('#travel, photo #Travel');
    await next(user, /Every caption now ends with #travel #photo/);
    await stack.updatesDone();
    assert.equal(await savedTags(user), '#travel #photo');
    const screen = await hashtagsScreen(user);
    assert.match(screen.text!, /Auto hashtags: #travel #photo/);
    user.pressButton(screen, 'ig:set:tags:clear');
    await stack.telegram.waitFor(() => /Auto hashtags: none/.test(stack.telegram.messagesIn(user).find((m) => m.message_id === screen.message_id)?.text ?? ''),
      { ...WAIT, description: 'the screen without hashtags' });
    await stack.updatesDone();
    assert.equal(await savedTags(user), '');
  });

  test('Back leaves the screen\'s question: a word typed afterwards does not become the hashtags', async () => {
    const { user } = await userWithAccount(stack);
    const screen = await hashtagsScreen(user);
    user.pressButton(screen, 'settings:show');
    await stack.telegram.waitFor(() => /Language:/.test(stack.telegram.messagesIn(user).find((m) => m.message_id === screen.message_id)?.text ?? ''),
      { ...WAIT, description: 'the overview again' });
    user.sendMessage('hello');
    await next(user, /did not understand/);
    await stack.updatesDone();
    assert.equal(await savedTags(user), '');
  });

  test('/post adds them to the caption before the preview, shows them, and publishes them', async () => {
    const { user, account } = await userWithAccount(stack);
    await setHashtags(user, '#travel #photo');
    const postId = await draftAtCaption(user);
    user.sendMessage('Beach day #photo');
    const alt = await next(user, /alt text/);
    user.pressButton(alt, `ig:post:skipalt:${postId}`);
    const preview = await next(user, /Post preview/);
    assert.match(preview.text!, /Caption: Beach day #photo\n\n#travel\n#️⃣ With your auto hashtags/);
    user.pressButton(preview, `ig:post:now:${postId}`);
    await postReaches(stack, postId, ['published']);
    assert.equal(account.posts[0]!.caption, 'Beach day #photo\n\n#travel');
  });

  test('a caption within 30 hashtags that the auto hashtags take over is refused, saying so; "No caption" gets them alone', async () => {
    const { user } = await userWithAccount(stack);
    await setHashtags(user, '#extra1 #extra2');
    const postId = await draftAtCaption(user);
    user.sendMessage(Array.from({ length: 29 }, (_, i) => `#own${i}`).join(' '));
    const refused = await next(user, /❌/);
    assert.match(refused.text!, /31 hashtags; Instagram allows 30[\s\S]*counts your 2 auto hashtags/);
    await stack.updatesDone();
    const [draft] = await stack.db.sql`select caption, draft_step from posts where id = ${postId}`;
    assert.deepEqual([draft!.caption, draft!.draft_step], ['', 'caption'], 'the refused caption was kept');
    const received = stack.telegram.messagesIn(user).find((m) => buttons(m).includes(`ig:post:nocap:${postId}`))!;
    user.pressButton(received, `ig:post:nocap:${postId}`);
    await next(user, /alt text/);
    await stack.updatesDone();
    const [row] = await stack.db.sql`select caption from posts where id = ${postId}`;
    assert.equal(row!.caption, '#extra1 #extra2');
  });
});
