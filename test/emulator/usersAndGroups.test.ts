import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Api, GrammyError } from 'grammy';
import { EmulatorTimeoutError, TelegramEmulator } from '../../emulator/telegram/index.js';

let telegram: TelegramEmulator;
let api: Api;

beforeEach(async () => {
  telegram = await TelegramEmulator.start({ bot: { username: 'growth_bot' } });
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  // chat_member is only sent when asked for, like Telegram; these tests want to see it.
  await api.getUpdates({ allowed_updates: ['message', 'callback_query', 'my_chat_member', 'chat_member', 'chat_join_request', 'pre_checkout_query'] });
});
afterEach(() => telegram.close());

const rejectsWith = (promise: Promise<unknown>, description: string) =>
  assert.rejects(promise, (error: unknown) => error instanceof GrammyError && error.description === description);

describe('groups and the bot\'s membership', () => {
  test('adding the bot as admin sends my_chat_member with ChatMember shapes, then the join service message', async () => {
    const owner = telegram.createUser({ first_name: 'Olga' });
    const group = telegram.createGroup({ title: 'Growth club', type: 'supergroup', creator: owner });
    const added = group.addBot({ rights: { can_delete_messages: false } });
    const change = added.update.my_chat_member;
    assert.ok(change);
    assert.deepEqual(change.chat, { id: group.id, type: 'supergroup', title: 'Growth club' });
    assert.equal(change.from.id, owner.id);
    assert.deepEqual(change.old_chat_member, { status: 'left', user: telegram.world.botUser });
    assert.equal(change.new_chat_member.status, 'administrator');
    assert.ok(change.new_chat_member.status === 'administrator' && change.new_chat_member.can_invite_users);
    assert.ok(change.new_chat_member.status === 'administrator' && !change.new_chat_member.can_delete_messages);
    const service = telegram.updates.at(-1)?.message;
    assert.deepEqual(service?.new_chat_members, [telegram.world.botUser]);

    assert.equal(group.demoteBot().update.my_chat_member?.new_chat_member.status, 'member');
    const removed = group.removeBot().update.my_chat_member;
    assert.equal(removed?.old_chat_member.status, 'member');
    assert.equal(removed?.new_chat_member.status, 'kicked');

    const fresh = telegram.createGroup({ title: 'Second', creator: owner });
    fresh.addBot();
    const admins = await api.getChatAdministrators(fresh.id);
    assert.deepEqual(admins.map((m) => [m.user.id, m.status]), [[owner.id, 'creator']]);
    assert.equal((await api.getChatMember(fresh.id, telegram.bot.id)).status, 'member');
    assert.equal((await api.getChatMember(fresh.id, owner.id)).status, 'creator');
  });

  test('privacy mode: a member bot sees commands and replies to it, not chatter; an admin bot sees everything', async () => {
    const ann = telegram.createUser({ first_name: 'Ann' });
    const group = telegram.createGroup({ title: 'Chat', creator: ann });
    group.addBot();
    assert.equal(ann.sendMessage('just chatting', { chat: group }).queued, false);
    assert.equal(ann.sendCommand('/stats', undefined, { chat: group }).queued, true);
    assert.equal(ann.sendMessage('/stats@growth_bot', { chat: group }).queued, true);
    assert.equal(ann.sendMessage('/stats@other_bot', { chat: group }).queued, false);
    const botMessage = await api.sendMessage(group.id, 'Reply to me');
    assert.equal(ann.sendMessage('a reply', { chat: group, replyTo: botMessage }).queued, true);
    group.promoteBot();
    assert.equal(ann.sendMessage('chatting again', { chat: group }).queued, true);
    assert.equal(telegram.historyIn(group).filter((m) => m.text === 'just chatting').length, 1, 'the message exists either way');
  });

  test('upgrading a group sends migrate_to_chat_id in the old chat and migrate_from_chat_id in the new one', () => {
    const ann = telegram.createUser({ first_name: 'Ann' });
    const group = telegram.createGroup({ title: 'Small', type: 'group', creator: ann });
    group.addBot();
    const { oldChatId, newChatId, updates } = group.upgradeToSupergroup();
    const [toNew, fromOld] = updates.map((action) => action.update.message);
    assert.equal(toNew?.chat.id, oldChatId);
    assert.equal(toNew?.chat.type, 'group');
    assert.equal(toNew?.migrate_to_chat_id, newChatId);
    assert.equal(fromOld?.chat.id, newChatId);
    assert.equal(fromOld?.chat.type, 'supergroup');
    assert.equal(fromOld?.migrate_from_chat_id, oldChatId);
    assert.equal(telegram.groupById(oldChatId), group);
    assert.throws(() => ann.sendMessage('hi', { chat: oldChatId }), /upgraded/);
    assert.equal(ann.sendCommand('/start', undefined, { chat: group }).update.message?.chat.id, newChatId);
  });
});

describe('moderation', () => {
  test('an admin bot bans and unbans members; after leaving, it can no longer post', async () => {
    const owner = telegram.createUser({ first_name: 'Owner' });
    const spammer = telegram.createUser({ first_name: 'Spam' });
    const group = telegram.createGroup({ title: 'Clean', creator: owner, members: [owner, spammer] });
    group.addBot();
    await rejectsWith(api.banChatMember(group.id, spammer.id), 'Bad Request: not enough rights to restrict/unrestrict chat member');
    group.promoteBot();
    assert.equal(await api.banChatMember(group.id, spammer.id), true);
    assert.equal(telegram.updates.at(-1)?.chat_member?.new_chat_member.status, 'kicked');
    assert.equal((await api.getChatMember(group.id, spammer.id)).status, 'kicked');
    await rejectsWith(api.banChatMember(group.id, owner.id), "Bad Request: can't remove chat owner");
    await api.unbanChatMember(group.id, spammer.id, { only_if_banned: true });
    assert.equal((await api.getChatMember(group.id, spammer.id)).status, 'left');

    assert.equal(await api.leaveChat(group.id), true);
    assert.equal(telegram.updates.at(-1)?.my_chat_member?.new_chat_member.status, 'left');
    await rejectsWith(api.sendMessage(group.id, 'still here?'), 'Forbidden: bot is not a member of the supergroup chat');
  });
});

describe('channels', () => {
  test('a bot added to a channel as admin can post there and receives channel posts', async () => {
    const owner = telegram.createUser({ first_name: 'Editor' });
    const channel = telegram.createGroup({ title: 'News', type: 'channel', creator: owner, username: 'growth_news' });
    assert.equal(channel.post('before the bot').queued, false);
    channel.addBot();
    const post = channel.post('Big news #launch', { by: owner }).update.channel_post;
    assert.equal(post?.sender_chat?.id, channel.id);
    assert.equal(post?.author_signature, 'Editor');
    assert.deepEqual(post?.entities, [{ type: 'hashtag', offset: 9, length: 7 }]);
    const sent = await api.sendMessage('@growth_news', 'Posted by the bot');
    assert.equal(sent.chat.id, channel.id);
    assert.equal(sent.sender_chat?.id, channel.id);
    assert.deepEqual(telegram.messagesIn(channel).map((m) => m.text), ['Posted by the bot']);
    assert.throws(() => owner.sendMessage('hi', { chat: channel }), /is a channel/);
  });
});

describe('join requests', () => {
  test('a request reaches an admin bot, which approves it: chat_member and a service message follow', async () => {
    const owner = telegram.createUser({ first_name: 'Owner' });
    const bea = telegram.createUser({ first_name: 'Bea', username: 'bea' });
    const group = telegram.createGroup({ title: 'Private club', creator: owner });
    group.addBot({ asAdmin: true });
    const request = bea.requestToJoin(group, { bio: 'hi' }).update.chat_join_request;
    assert.ok(request);
    assert.equal(request.user_chat_id, bea.id);
    assert.equal(request.from.id, bea.id);
    assert.equal(request.chat.id, group.id);
    assert.equal(request.bio, 'hi');
    assert.ok(await api.sendMessage(bea.id, 'Answer a question first'), 'the bot may message a requester');

    await rejectsWith(api.declineChatJoinRequest(group.id, owner.id), 'Bad Request: USER_ALREADY_PARTICIPANT');
    assert.equal(await api.approveChatJoinRequest(group.id, bea.id), true);
    const joined = telegram.updates.slice(-2);
    assert.equal(joined[0]?.chat_member?.new_chat_member.status, 'member');
    assert.equal(joined[0]?.chat_member?.via_join_request, true);
    assert.deepEqual(joined[1]?.message?.new_chat_members, [bea.user]);
    assert.equal((await api.getChatMember(group.id, bea.id)).status, 'member');
    await rejectsWith(api.approveChatJoinRequest(group.id, bea.id), 'Bad Request: USER_ALREADY_PARTICIPANT');
    const cid = telegram.createUser({ first_name: 'Cid' });
    await rejectsWith(api.approveChatJoinRequest(group.id, cid.id), 'Bad Request: HIDE_REQUESTER_MISSING');
    await rejectsWith(api.declineChatJoinRequest(group.id, cid.id), 'Bad Request: HIDE_REQUESTER_MISSING');
  });

  test('a bot that is not an admin gets no join requests and cannot approve', async () => {
    const group = telegram.createGroup({ title: 'Club' });
    group.addBot();
    const dee = telegram.createUser({ first_name: 'Dee' });
    assert.equal(dee.requestToJoin(group).queued, false);
    await rejectsWith(api.approveChatJoinRequest(group.id, dee.id), 'Bad Request: CHAT_ADMIN_REQUIRED');
  });

  test('a referral invite link that needs approval produces a join request carrying the link', async () => {
    const group = telegram.createGroup({ title: 'Club' });
    group.addBot({ asAdmin: true });
    const link = await api.createChatInviteLink(group.id, { name: 'ref:42', creates_join_request: true });
    assert.match(link.invite_link, /^https:\/\/t\.me\/\+/);
    const eli = telegram.createUser({ first_name: 'Eli' });
    const request = eli.joinViaLink(link.invite_link).update.chat_join_request;
    assert.equal(request?.invite_link?.name, 'ref:42');

    const open = await api.createChatInviteLink(group.id, { name: 'open' });
    const fay = telegram.createUser({ first_name: 'Fay' });
    fay.joinViaLink(open.invite_link);
    assert.equal(telegram.updates.at(-2)?.chat_member?.invite_link?.name, 'open');
    assert.equal((await api.getChatMember(group.id, fay.id)).status, 'member');
  });
});

describe('users and the bot', () => {
  test('pressing a button that is not there fails the test with the buttons that are', async () => {
    const gus = telegram.createUser({ first_name: 'Gus' });
    gus.sendCommand('/start');
    const menu = await api.sendMessage(gus.id, 'Menu', {
      reply_markup: { inline_keyboard: [[{ text: 'Help', callback_data: 'help' }, { text: 'Site', url: 'https://example.com' }]] },
    });
    assert.throws(() => gus.pressButton(menu, 'settings'), /callback buttons are "Help" \(help\), "Site"/);
    assert.equal(gus.pressButton(menu.message_id, { text: 'Help' }).update.callback_query?.data, 'help');
  });

  test('a Stars payment: invoice, pre_checkout_query, the bot\'s ok, then successful_payment', async () => {
    const hal = telegram.createUser({ first_name: 'Hal' });
    hal.sendCommand('/start');
    const invoice = await api.sendInvoice(hal.id, 'Boost', '1 week boost', 'boost:7', 'XTR', [{ label: 'Boost', amount: 50 }]);
    assert.deepEqual(invoice.invoice, { title: 'Boost', description: '1 week boost', start_parameter: '', currency: 'XTR', total_amount: 50 });
    const query = hal.payInvoice(invoice).update.pre_checkout_query;
    assert.equal(query?.invoice_payload, 'boost:7');
    assert.equal(query?.total_amount, 50);
    await api.answerPreCheckoutQuery(query?.id ?? '', true);
    const paid = telegram.updates.at(-1)?.message?.successful_payment;
    assert.equal(paid?.invoice_payload, 'boost:7');
    assert.equal(paid?.currency, 'XTR');
    await rejectsWith(api.answerPreCheckoutQuery(query?.id ?? '', true),
      'Bad Request: query is too old and response timeout expired or query ID is invalid');
  });

  test('waitForBotMessage reads replies in order, whenever they were sent', async () => {
    const ivy = telegram.createUser({ first_name: 'Ivy' });
    ivy.sendCommand('/start');
    await api.sendMessage(ivy.id, 'one');
    await api.sendMessage(ivy.id, 'two');
    assert.equal((await telegram.waitForBotMessage(ivy)).text, 'one');
    assert.equal((await telegram.waitForBotMessage(ivy)).text, 'two');
    const later = telegram.waitForBotMessage(ivy, (m) => m.text === 'four');
    await api.sendMessage(ivy.id, 'three');
    await api.sendMessage(ivy.id, 'four');
    assert.equal((await later).text, 'four');
    await assert.rejects(telegram.waitForBotMessage(ivy, () => true, { timeoutMs: 50 }), (error: unknown) => {
      assert.ok(error instanceof EmulatorTimeoutError);
      assert.match(error.message, /a bot message in chat \d+/);
      assert.match(error.message, /sendMessage → ok/);
      return true;
    });
  });

  test('waitForCall times out listing the methods the bot did call', async () => {
    await api.getMe();
    await assert.rejects(telegram.waitForCall('sendMessage', { timeoutMs: 50 }),
      /waiting for a call to sendMessage; seen: getUpdates, getMe/);
  });
});
