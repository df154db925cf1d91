import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, GrammyError, InputFile } from 'grammy';
import type { Message } from 'grammy/types';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { jpeg } from '../support/testImages.js';

// sendMediaGroup as the Bot API server and TDLib answer it (docs/EMULATOR.md, "Albums").

let telegram: TelegramEmulator;
let api: Api;
before(async () => {
  telegram = await TelegramEmulator.start();
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
});
after(async () => { await telegram.close(); });

async function chat(): Promise<number> {
  const user = telegram.createUser({ first_name: 'Album' });
  user.sendCommand('/start');
  return user.id;
}

async function refused(work: Promise<unknown>, description: string): Promise<void> {
  await assert.rejects(work, (err: unknown) => err instanceof GrammyError && err.error_code === 400 && err.description === `Bad Request: ${description}`);
}

describe('sendMediaGroup', () => {
  test('uploaded photos become one album: a message each with its own caption, one media_group_id', async () => {
    const id = await chat();
    const sent: Message[] = await api.sendMediaGroup(id, [
      { type: 'photo', media: new InputFile(await jpeg(400, 400), 'a.jpg'), caption: '<b>one</b>', parse_mode: 'HTML' },
      { type: 'photo', media: new InputFile(await jpeg(800, 400, '#3344aa'), 'b.jpg'), caption: 'two' },
    ]);
    assert.equal(sent.length, 2);
    assert.ok(sent[0]!.media_group_id && sent[0]!.media_group_id === sent[1]!.media_group_id);
    assert.deepEqual(sent.map((m) => m.caption), ['one', 'two']);
    assert.deepEqual(sent[0]!.caption_entities, [{ type: 'bold', offset: 0, length: 3 }]);
    assert.equal(sent[1]!.photo!.at(-1)!.width, 800);
    assert.deepEqual(telegram.messagesIn(id).filter((m) => m.photo).map((m) => m.caption), ['one', 'two']);
  });

  test('one item is sent without a media_group_id; the server\'s errors in its words', async () => {
    const id = await chat();
    const [single]: Message[] = await api.sendMediaGroup(id, [{ type: 'photo', media: new InputFile(await jpeg(300, 300), 'a.jpg') }]);
    assert.equal(single!.media_group_id, undefined);
    const photo = single!.photo!.at(-1)!.file_id;
    await refused(api.sendMediaGroup(id, []), 'There are no messages to send');
    await refused(api.sendMediaGroup(id, Array.from({ length: 11 }, () => ({ type: 'photo' as const, media: photo }))), 'Too many messages to send as an album');
    await refused(api.raw.sendMediaGroup({ chat_id: id, media: { type: 'photo', media: photo } as never }), 'Expected an Array of InputMedia');
    await refused(api.raw.sendMediaGroup({ chat_id: id, media: [{ type: 'animation', media: photo }] as never }),
      'Can\'t parse InputMedia: type "animation" can\'t be used in sendMediaGroup');
    await refused(api.raw.sendMediaGroup({ chat_id: id, media: [{ type: 'photo', media: photo }, { type: 'document', media: photo }] as never }),
      "Document can't be mixed with other media types");
    assert.equal(telegram.messagesIn(id).filter((m) => m.photo).length, 1, 'a refused album sent something');
  });
});
