import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import { slotInstants } from '../../shared/modules/instapost/nextFreeSlot.js';
import { parseSlots } from '../../shared/modules/instapost/postingSlots.js';
import { fromZoned, parseLocalDateTime } from '../../shared/modules/instapost/zonedTime.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { userWithAccount } from './publishSupport.js';

describe('weekly slots in the user\'s zone', () => {
  test('a Monday 09:00 slot in Berlin stays 09:00 local on both sides of the spring and autumn changes', () => {
    const mon9 = [{ weekday: 1, minute: 9 * 60 }];
    // 2026-03-29 (Sunday) Europe/Berlin moves from CET (+1) to CEST (+2).
    const spring = slotInstants(mon9, 'Europe/Berlin', new Date('2026-03-20T00:00:00Z'), 14).map((d) => d.toISOString());
    assert.deepEqual(spring, ['2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    // 2026-10-25 (Sunday) back to CET.
    const autumn = slotInstants(mon9, 'Europe/Berlin', new Date('2026-10-20T00:00:00Z'), 14).map((d) => d.toISOString());
    assert.deepEqual(autumn, ['2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z']);
    const before = slotInstants(mon9, 'Europe/Berlin', new Date('2026-10-12T00:00:00Z'), 7).map((d) => d.toISOString());
    assert.deepEqual(before, ['2026-10-12T07:00:00.000Z']);
  });

  test('local times in a gap move forward; repeated ones take the first', () => {
    assert.equal(fromZoned({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString(), '2026-03-29T01:30:00.000Z');
    assert.equal(fromZoned({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(fromZoned({ year: 2026, month: 11, day: 1, hour: 9, minute: 0 }, 'America/New_York').toISOString(), '2026-11-01T14:00:00.000Z');
  });

  test('typed dates and slots are read strictly', () => {
    assert.deepEqual(parseLocalDateTime('2026-12-24 18:30'), { year: 2026, month: 12, day: 24, hour: 18, minute: 30 });
    for (const bad of ['2026-02-30 10:00', '2026-12-24 24:00', '24.12.2026 18:30', 'tomorrow']) assert.equal(parseLocalDateTime(bad), undefined, bad);
    assert.deepEqual(parseSlots('Mon-Wed 09:00 18:00\nsun 11:30')?.map((s) => `${s.weekday}/${s.minute}`),
      ['1/540', '1/1080', '2/540', '2/1080', '3/540', '3/1080', '7/690']);
    assert.equal(parseSlots('Mon 25:00'), undefined);
    assert.equal(parseSlots('someday 09:00'), undefined);
  });
});

describe('/schedule and Add to queue', () => {
  let stack: InstapostStack;
  before(async () => { stack = await startInstapostStack(); });
  after(async () => { await stack.stop(); });
  const WAIT = { timeoutMs: 20_000 };
  const buttons = (m: Message) => m.reply_markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : b.text)) ?? [];

  test('the user sets a zone and slots; Add to queue takes the next free slot, then the one after', async () => {
    const { user, accountId } = await userWithAccount(stack);
    user.sendCommand('/schedule');
    await stack.telegram.waitForBotMessage(user, (m) => /Posting schedule/.test(m.text ?? ''), WAIT);
    user.sendMessage('Asia/Tokyo');
    await stack.telegram.waitForBotMessage(user, (m) => /Time zone: Asia\/Tokyo/.test(m.text ?? ''), WAIT);
    user.sendCommand('/schedule');
    await stack.telegram.waitForBotMessage(user, (m) => /Asia\/Tokyo/.test(m.text ?? '') && /Posting schedule/.test(m.text ?? ''), WAIT);
    user.sendMessage('daily 10:00');
    await stack.telegram.waitForBotMessage(user, (m) => /Weekly slots \(Asia\/Tokyo\)/.test(m.text ?? ''), WAIT);
    const queued: Date[] = [];
    for (let i = 0; i < 2; i++) {
      user.sendCommand('/post');
      await stack.telegram.waitForBotMessage(user, (m) => /Send me a photo/.test(m.text ?? ''), WAIT);
      await user.sendImage(await jpeg(1080, 1080, i ? '#112233' : '#445566'));
      const received = await stack.telegram.waitForBotMessage(user, (m) => /Image received/.test(m.text ?? ''), WAIT);
      const postId = Number(/nocap:(\d+)/.exec(buttons(received).join())![1]);
      user.pressButton(received, `ig:post:nocap:${postId}`);
      const alt = await stack.telegram.waitForBotMessage(user, (m) => /alt text/.test(m.text ?? ''), WAIT);
      user.pressButton(alt, `ig:post:skipalt:${postId}`);
      const preview = await stack.telegram.waitForBotMessage(user, (m) => /Post preview/.test(m.text ?? ''), WAIT);
      user.pressButton(preview, `ig:post:queue:${postId}`);
      await stack.telegram.waitForBotMessage(user, (m) => /scheduled for/.test(m.text ?? ''), WAIT);
      await stack.updatesDone();
      const [row] = await stack.db.sql<{ scheduled_at: Date }[]>`select scheduled_at from posts where id = ${postId}`;
      queued.push(row!.scheduled_at);
    }
    // 10:00 in Tokyo is 01:00 UTC; the second post takes the next day's slot.
    for (const at of queued) assert.equal(at.toISOString().slice(11), '01:00:00.000Z');
    assert.equal(queued[1]!.getTime() - queued[0]!.getTime(), 86_400_000);
    void accountId;
  });
});
