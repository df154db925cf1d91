import { Composer } from 'grammy';
import { enqueue } from '../../queue/enqueue.js';
import { joinRequestJob } from './joinRequestJob.js';
import { readGroup } from './readGroup.js';
import { finishJoinRequest, recordJoinRequest } from './recordJoinRequest.js';
import { setGreetJoiners } from './setGreetJoiners.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * Join requests: every one is logged, once per delivery of the same request. In an active group
 * it is handed to a {@link joinRequestJob}, enqueued in the update's transaction, which greets
 * and approves (joinRequestHandler.ts); elsewhere, and from a user the bot banned, it is left to
 * the group's admins, and the bot sends the requester nothing.
 */
export const joinRequestsFeature = new Composer<BotContext>();

joinRequestsFeature.on('chat_join_request', async (ctx) => {
  const request = ctx.chatJoinRequest;
  const logged = await recordJoinRequest(ctx.sql, request);
  const log = ctx.log.child({ chat_id: request.chat.id, user_id: request.from.id, join_request_id: logged.id });
  if (logged.outcome !== 'pending') return void log.info({ outcome: logged.outcome }, 'join request seen before');

  // Banned by the bot's operators: the bot sends them nothing and does not let them in on its
  // own; the request stays pending in Telegram for the group's admins, who may still approve it.
  if (ctx.registered?.banned) {
    await finishJoinRequest(ctx.sql, logged.id, 'requester_banned');
    return void log.info('join request left to the admins: the requester is banned');
  }
  const group = await readGroup(ctx.sql, request.chat.id);
  if (!group?.active) {
    await finishJoinRequest(ctx.sql, logged.id, 'ignored');
    return void log.info('join request left to the admins: the group is not active');
  }
  await enqueue(ctx.sql, joinRequestJob, { joinRequestId: logged.id, languageCode: request.from.language_code }, { dedupeKey: `join_request:${logged.id}` });
});

/** `/greet on` or `/greet off` in a group, by its linked admin. */
joinRequestsFeature.chatType(['group', 'supergroup']).command('greet', async (ctx) => {
  const on = ctx.match.trim().toLowerCase() !== 'off';
  if (!(await setGreetJoiners(ctx.sql, ctx.chat.id, ctx.from.id, on))) return void (await ctx.reply(ctx.t('greet_not_linked')));
  await ctx.reply(ctx.t(on ? 'greet_on' : 'greet_off'));
});
