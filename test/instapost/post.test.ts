import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import sharp from 'sharp';
import type { EmulatedInstagramAccount } from '../../emulator/instagram/index.js';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg, png } from '../support/testImages.js';

// /post end to end through the three emulators: the user sends a picture, a caption, looks at the
// preview and posts; the worker fetches the file from Telegram, stores it in Dropbox, and the
// emulated Instagram fetches it from there and publishes it.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
let n = 0;
const buttons = (m: Message) => m.reply_markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : b.text)) ?? [];
const next = (user: EmulatedUser, predicate: (m: Message) => boolean = () => true) => stack.telegram.waitForBotMessage(user, predicate, WAIT);
const withText = (re: RegExp) => (m: Message) => re.test(m.text ?? m.caption ?? '');

/** A registered user with a connected account. */
async function poster(language_code = 'en'): Promise<{ user: EmulatedUser; account: EmulatedInstagramAccount }> {
  const account = stack.instagram.createAccount({ username: `poster_${++n}` });
  const user = stack.telegram.createUser({ first_name: `P${n}`, language_code });
  user.sendCommand('/start');
  await next(user);
  user.sendCommand('/account');
  const list = await next(user);
  user.pressButton(list, 'ig:acc:connect');
  await next(user);
  user.sendMessage(account.pageToken);
  const found = await next(user, (m) => buttons(m).includes('ig:acc:confirm'));
  user.pressButton(found, 'ig:acc:confirm');
  await next(user, withText(/@poster_\d+ (is connected|подключён)/));
  return { user, account };
}

async function press(user: EmulatedUser, message: Message, data: string, expect: RegExp): Promise<Message> {
  assert.ok(buttons(message).includes(data), `no button ${data} in ${buttons(message).join()}`);
  user.pressButton(message, data);
  return next(user, withText(expect));
}

describe('/post', () => {
  test('a 3000×1000 PNG sent as a file is padded, shown back, and published within the limits with its caption', async () => {
    const { user, account } = await poster();
    user.sendCommand('/post');
    await next(user, withText(/Send me a photo/));
    await user.sendDocument({ fileName: 'wide.png', bytes: await png(3000, 1000), mimeType: 'image/png' });
    const received = await next(user, withText(/Image received/));
    assert.match(received.text!, /3000×1000/);
    user.sendMessage('Golden hour #sunset');
    const alt = await next(user, withText(/alt text/));
    const preview = await press(user, alt, `ig:post:skipalt:${/skipalt:(\d+)/.exec(buttons(alt).join())![1]}`, /Post preview/);
    // The prepared picture came first, shown as Instagram will show it.
    const shown = stack.telegram.messagesIn(user).filter((m) => m.photo).at(-1)!;
    assert.match(shown.caption!, /1440×754.*padded/);
    assert.match(preview.text!, /Golden hour #sunset/);
    const postId = Number(/now:(\d+)/.exec(buttons(preview).join())![1]);
    assert.ok(buttons(preview).includes(`ig:post:fit:${postId}:crop`), 'no way to crop instead');
    await press(user, preview, `ig:post:now:${postId}`, /Publishing now/);
    const done = await next(user, withText(/Published on Instagram/));
    const [post] = account.posts;
    assert.ok(post, 'nothing was published');
    assert.equal(account.posts.length, 1);
    assert.equal(post.caption, 'Golden hour #sunset');
    assert.ok(done.text!.includes(post.permalink));
    const image = post.images[0]!;
    assert.equal((await sharp(image.bytes).metadata()).format, 'jpeg');
    assert.ok(image.bytes.length <= 8 * 1024 * 1024);
    assert.ok(image.width >= 320 && image.width <= 1440);
    const ratio = image.width / image.height;
    assert.ok(ratio >= 0.8 && ratio <= 1.91, `ratio ${ratio}`);
    await stack.updatesDone();
    const [row] = await stack.db.sql`select state, container_id, media_id, permalink from posts where id = ${postId}`;
    assert.equal(row!.state, 'published');
    assert.equal(row!.media_id, post.id);
    assert.equal(row!.container_id, post.containerId);
    assert.equal(stack.dropbox.files.length > 0, true);
  });

  test('crop instead: the preview is shown again cropped, and that is what is published', async () => {
    const { user, account } = await poster();
    user.sendCommand('/post');
    await next(user, withText(/Send me a photo/));
    await user.sendImage(await jpeg(2000, 800));
    const received = await next(user, withText(/Image received/));
    const postId = Number(/nocap:(\d+)/.exec(buttons(received).join())![1]);
    const alt = await press(user, received, `ig:post:nocap:${postId}`, /alt text/);
    user.sendMessage('A wide street');
    const preview = await next(user, withText(/Post preview/));
    assert.match(preview.text!, /Alt text: A wide street/);
    const cropped = await press(user, preview, `ig:post:fit:${postId}:crop`, /Post preview/);
    assert.match(stack.telegram.messagesIn(user).filter((m) => m.photo).at(-1)!.caption!, /cropped/);
    void alt;
    await press(user, cropped, `ig:post:now:${postId}`, /Publishing now/);
    await next(user, withText(/Published on Instagram/));
    const image = account.posts[0]!.images[0]!;
    assert.ok(Math.abs(image.width / image.height - 1.91) < 0.01, `${image.width}×${image.height}`);
    assert.equal(account.posts[0]!.altText, 'A wide street');
  });

  test('a GIF gets a message naming the accepted formats; an oversized file is refused; a long caption too', async () => {
    const { user } = await poster();
    user.sendCommand('/post');
    await next(user, withText(/Send me a photo/));
    const gif = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#ff0000' } }).gif().toBuffer();
    await user.sendDocument({ fileName: 'anim.gif', bytes: gif, mimeType: 'image/gif' });
    assert.match((await next(user)).text!, /JPEG, PNG and WebP/);
    await user.sendDocument({ fileName: 'huge.png', fileSize: 25 * 1024 * 1024, mimeType: 'image/png' });
    assert.match((await next(user)).text!, /larger than 20 MB/);
    await user.sendImage(await jpeg(1080, 1080));
    await next(user, withText(/Image received/));
    user.sendMessage('x'.repeat(2201));
    assert.match((await next(user)).text!, /2,201 characters; Instagram allows 2,200/);
  });

  test('scheduled with a typed date in the user\'s zone; Cancel leaves nothing to publish', async () => {
    const { user } = await poster('ru');
    await stack.db.sql`update users set time_zone = 'Europe/Moscow' where id = ${user.id}`;
    user.sendCommand('/post');
    await next(user);
    await user.sendImage(await jpeg(1080, 1350));
    const received = await next(user, withText(/Изображение получено/));
    const postId = Number(/nocap:(\d+)/.exec(buttons(received).join())![1]);
    const alt = await press(user, received, `ig:post:nocap:${postId}`, /альтернативный текст/);
    const preview = await press(user, alt, `ig:post:skipalt:${postId}`, /Предпросмотр/);
    const ask = await press(user, preview, `ig:post:sched:${postId}`, /Europe\/Moscow/);
    void ask;
    user.sendMessage('2099-07-01 09:30');
    const scheduled = await next(user, withText(/запланирована/));
    assert.match(scheduled.text!, /Europe\/Moscow/);
    await stack.updatesDone();
    const [row] = await stack.db.sql<{ scheduled_at: Date; state: string }[]>`select scheduled_at, state from posts where id = ${postId}`;
    assert.equal(row!.scheduled_at.toISOString(), '2099-07-01T06:30:00.000Z');
    assert.equal(row!.state, 'scheduled');
    user.pressButton(preview, `ig:post:cancel:${postId}`);
    await next(user, withText(/отменена/));
    await stack.updatesDone();
    const [cancelled] = await stack.db.sql`select state from posts where id = ${postId}`;
    assert.equal(cancelled!.state, 'cancelled');
  });
});
