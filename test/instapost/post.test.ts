import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import sharp from 'sharp';
import type { EmulatedInstagramAccount } from '../../emulator/instagram/index.js';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg, png } from '../support/testImages.js';
import { buttons } from './chatSupport.js';

// /post end to end through the three emulators: the user sends a picture, a caption, looks at the
// preview and posts; the worker fetches the file from Telegram, stores it in Dropbox, and the
// emulated Instagram fetches it from there and publishes it.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
let n = 0;
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

  test('an album\'s preview shows every picture as prepared, as one media group; Crop instead shows them all cropped', async () => {
    const { user, account } = await poster();
    user.sendCommand('/post');
    await next(user, withText(/Send me a photo/));
    await user.sendAlbum([await jpeg(2000, 800), await jpeg(1080, 1080, '#aa3344'), await jpeg(800, 1400, '#33aa44')], { caption: 'three shapes' });
    const third = await next(user, withText(/Image 3 of the carousel/));
    // The album's caption came with its first picture; the third's prompt keeps it.
    const postId = Number(/capdone:(\d+)/.exec(buttons(third).join())![1]);
    assert.match(third.text!, /I took the caption you sent with the picture/);
    const before = stack.telegram.messagesIn(user).length;
    const preview = await press(user, third, `ig:post:capdone:${postId}`, /Post preview/);
    assert.match(preview.text!, /Caption: three shapes/);
    const album = stack.telegram.messagesIn(user).slice(before).filter((m) => m.photo);
    assert.equal(album.length, 3, 'not every picture was shown');
    assert.ok(album[0]!.media_group_id && album.every((m) => m.media_group_id === album[0]!.media_group_id), 'not one media group');
    assert.match(album[0]!.caption!, /^👀 1 of 3.*1440×75\d, .*padded/);
    assert.match(album[1]!.caption!, /^👀 2 of 3.*1080×1080, unchanged/);
    assert.match(album[2]!.caption!, /^👀 3 of 3.*1120×1400, padded/);
    // What was shown is what goes out: each picture's shape as published.
    const [wide, , tall] = album.map((m) => m.photo!.at(-1)!);
    assert.ok(Math.abs(wide!.width / wide!.height - 1.91) < 0.01 && Math.abs(tall!.width / tall!.height - 0.8) < 0.01);

    const since = stack.telegram.messagesIn(user).length;
    await press(user, preview, `ig:post:fit:${postId}:crop`, /Post preview/);
    const cropped = stack.telegram.messagesIn(user).slice(since).filter((m) => m.photo);
    assert.deepEqual(cropped.map((m) => /cropped/.test(m.caption!)), [true, false, true]);
    const again = stack.telegram.messagesIn(user).filter((m) => /Post preview/.test(m.text ?? '')).at(-1)!;
    await press(user, again, `ig:post:now:${postId}`, /Publishing now/);
    await next(user, withText(/Published on Instagram/));
    const published = account.posts[0]!.images;
    assert.equal(published.length, 3);
    assert.ok(Math.abs(published[0]!.width / published[0]!.height - 1.91) < 0.01, 'the wide one was not cropped');
  });
});
