import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, GrammyError, InputFile } from 'grammy';
import type { Message } from 'grammy/types';
import sharp from 'sharp';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { jpeg, png } from '../support/testImages.js';

let telegram: TelegramEmulator;
let api: Api;

before(async () => {
  telegram = await TelegramEmulator.start();
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
});
after(() => telegram.close());

/** What the bot downloads for a file_id: getFile, then GET /file/bot<token>/<file_path>. */
async function download(fileId: string): Promise<Buffer> {
  const file = await api.getFile(fileId);
  const res = await fetch(`${telegram.apiRoot}/file/bot${telegram.token}/${file.file_path}`);
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

function messageOf(action: { update: { message?: Message } }): Message {
  assert.ok(action.update.message);
  return action.update.message;
}

describe('media sent by emulated users', () => {
  test('a photo arrives as Telegram\'s PhotoSize array: JPEG sizes up to 2560 px, smallest first, each downloadable', async () => {
    const alice = telegram.createUser({ first_name: 'Alice' });
    const message = messageOf(await alice.sendImage(await png(3000, 1000), { caption: 'Wide #view' }));
    assert.deepEqual(message.photo?.map((size) => [size.width, size.height]),
      [[90, 30], [320, 107], [800, 267], [1280, 427], [2560, 853]]);
    assert.equal(message.caption, 'Wide #view');
    assert.deepEqual(message.caption_entities, [{ type: 'hashtag', offset: 5, length: 5 }]);
    const largest = message.photo?.at(-1);
    const bytes = await download(largest?.file_id ?? '');
    assert.equal(bytes.length, largest?.file_size);
    const meta = await sharp(bytes).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 2560, 853], 'Telegram recompresses photos to JPEG');
    assert.match((await api.getFile(largest?.file_id ?? '')).file_path ?? '', /^photos\/file_\d+\.jpg$/);
    assert.equal(telegram.updates.at(-1)?.message?.message_id, message.message_id, 'the bot is sent the update');
  });

  test('a photo smaller than 2560 px keeps its size as the largest entry', async () => {
    const bob = telegram.createUser({ first_name: 'Bob' });
    const message = messageOf(await bob.sendImage(await jpeg(1080, 1080)));
    assert.deepEqual(message.photo?.map((size) => size.width), [90, 320, 800, 1080]);
    assert.equal(message.caption, undefined);
  });

  test('an image sent as a file is a document with name, mime type, size and thumbnail, downloaded byte for byte', async () => {
    const carol = telegram.createUser({ first_name: 'Carol' });
    const original = await png(3000, 1000);
    const message = messageOf(await carol.sendDocument({ fileName: 'panorama.png', bytes: original }));
    const document = message.document;
    assert.equal(document?.file_name, 'panorama.png');
    assert.equal(document?.mime_type, 'image/png');
    assert.equal(document?.file_size, original.length);
    assert.deepEqual([document?.thumbnail?.width, document?.thumbnail?.height], [320, 107]);
    assert.deepEqual(await download(document?.file_id ?? ''), original);
    assert.match((await api.getFile(document?.file_id ?? '')).file_path ?? '', /^documents\/file_\d+\.png$/);
    const text = messageOf(await carol.sendDocument({ fileName: 'notes.txt', bytes: Buffer.from('hello') }));
    assert.equal(text.document?.mime_type, 'text/plain');
    assert.equal(text.document?.thumbnail, undefined);
  });

  test('getFile refuses a file over 20 MB with "file is too big", as the cloud Bot API does', async () => {
    const dan = telegram.createUser({ first_name: 'Dan' });
    const big = messageOf(await dan.sendDocument({ fileName: 'huge.png', fileSize: 20 * 1024 * 1024 + 1 }));
    await assert.rejects(api.getFile(big.document?.file_id ?? ''), (error: unknown) =>
      error instanceof GrammyError && error.error_code === 400 && error.description === 'Bad Request: file is too big');
    const limit = messageOf(await dan.sendDocument({ fileName: 'limit.png', fileSize: 20 * 1024 * 1024 }));
    assert.equal((await api.getFile(limit.document?.file_id ?? '')).file_size, 20 * 1024 * 1024);
  });

  test('an album is one message per photo sharing a media_group_id, caption on the first, each its own update', async () => {
    const erin = telegram.createUser({ first_name: 'Erin' });
    const before = telegram.updates.length;
    const actions = await erin.sendAlbum([await jpeg(800, 800), await jpeg(1080, 1350), await jpeg(1200, 628)], { caption: 'Three' });
    const messages = actions.map(messageOf);
    assert.equal(telegram.updates.length - before, 3);
    const groupId = messages[0]?.media_group_id;
    assert.equal(typeof groupId, 'string');
    assert.notEqual(String(Number(groupId)), groupId, 'too large for a double, as Telegram\'s are');
    assert.ok(messages.every((m) => m.media_group_id === groupId));
    assert.deepEqual(messages.map((m) => m.caption), ['Three', undefined, undefined]);
    assert.deepEqual(messages.map((m) => m.message_id), [1, 2, 3]);
    assert.deepEqual(messages.map((m) => m.photo?.at(-1)?.height), [800, 1350, 628]);
    await assert.rejects(erin.sendAlbum([await jpeg(10, 10)]), /2 to 10/);
  });

  test('a real image the bot uploads with sendPhoto gets Telegram\'s sizes of it (the preview a user sees)', async () => {
    const fay = telegram.createUser({ first_name: 'Fay' });
    fay.sendCommand('/start');
    const sent = await api.sendPhoto(fay.id, new InputFile(await jpeg(1440, 754), 'preview.jpg'), { caption: 'Preview' });
    assert.deepEqual(sent.photo.map((size) => [size.width, size.height]), [[90, 47], [320, 168], [800, 419], [1280, 670], [1440, 754]]);
    const meta = await sharp(await download(sent.photo.at(-1)?.file_id ?? '')).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1440, 754]);
  });
});

describe('sendDocument', () => {
  test('an upload keeps its bytes and name (the type from the extension), its file_id is reused, and a missing document is refused in the server\'s words', async () => {
    const user = telegram.createUser({ first_name: 'Reader' });
    user.sendCommand('/start');
    const sent = await api.sendDocument(user.id, new InputFile(Buffer.from('a,b\r\n1,2\r\n'), 'list.csv'), { caption: 'The list' });
    assert.equal(sent.document.file_name, 'list.csv');
    assert.equal(sent.document.mime_type, 'text/csv');
    assert.equal(sent.caption, 'The list');
    assert.equal((await download(sent.document.file_id)).toString(), 'a,b\r\n1,2\r\n');
    const again = await api.sendDocument(user.id, sent.document.file_id);
    assert.equal(again.document.file_id, sent.document.file_id);
    await assert.rejects(api.raw.sendDocument({ chat_id: user.id } as never),
      (err: unknown) => err instanceof GrammyError && err.description === 'Bad Request: there is no document in the request');
    await assert.rejects(api.sendDocument(user.id, 'not-a-file-id'),
      (err: unknown) => err instanceof GrammyError && err.description === 'Bad Request: wrong file identifier/HTTP URL specified');
  });
});
