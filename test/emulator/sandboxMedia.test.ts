import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { png } from '../support/testImages.js';

let telegram: TelegramEmulator;

before(async () => {
  telegram = await TelegramEmulator.start({ serveSandbox: true });
});
after(() => telegram.close());

function post(action: string, body: unknown): Promise<Response> {
  return fetch(`${telegram.apiRoot}/sandbox/api/${action}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}

describe('the sandbox sends real images', () => {
  test('the page has a file picker, and may show images from the sandbox itself', async () => {
    const res = await fetch(`${telegram.apiRoot}/sandbox`);
    assert.match(res.headers.get('content-security-policy') ?? '', /img-src 'self' data:/);
    const html = await res.text();
    assert.match(html, /<input type="file" id="file" accept="image\/\*"/);
    assert.match(html, /api\('upload'/);
  });

  test('a picked image goes to the bot as a photo (PhotoSize array) and is shown from /sandbox/api/file', async () => {
    const user = telegram.createUser({ first_name: 'Pat' });
    const res = await post('upload', { userId: user.id, chatId: user.id, caption: 'Look', fileName: 'wide.png',
      data: (await png(3000, 1000)).toString('base64'), as: 'photo' });
    assert.equal(res.status, 200, await res.clone().text());
    const message = telegram.updates.at(-1)?.message;
    assert.equal(message?.caption, 'Look');
    assert.deepEqual(message?.photo?.at(-1) && [message.photo.at(-1)?.width, message.photo.at(-1)?.height], [2560, 853]);
    const shown = await fetch(`${telegram.apiRoot}/sandbox/api/file/${message?.photo?.[2]?.file_id ?? ''}`);
    assert.equal(shown.headers.get('content-type'), 'image/jpeg');
    assert.equal((await sharp(Buffer.from(await shown.arrayBuffer())).metadata()).width, 800);
    assert.equal((await fetch(`${telegram.apiRoot}/sandbox/api/file/nope`)).status, 404);
  });

  test('"as file" sends a document byte for byte; a non-image as a photo is refused with a reason', async () => {
    const user = telegram.createUser({ first_name: 'Quinn' });
    const bytes = await png(400, 400);
    assert.equal((await post('upload', { userId: user.id, fileName: 'square.png', data: bytes.toString('base64'), as: 'document' })).status, 200);
    const document = telegram.updates.at(-1)?.message?.document;
    assert.equal(document?.file_name, 'square.png');
    assert.deepEqual(telegram.world.files.get(document?.file_id ?? '')?.bytes, bytes);
    const refused = await post('upload', { userId: user.id, fileName: 'notes.txt', data: Buffer.from('hi').toString('base64'), as: 'photo' });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: string }).error, /notes\.txt is not an image/);
  });
});
