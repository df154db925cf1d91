import { Composer, GrammyError } from 'grammy';
import { createTranslator } from '../../i18n/createTranslator.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { readGroup } from './readGroup.js';
import { finishJoinRequest, recordJoinRequest } from './recordJoinRequest.js';
import { setGreetJoiners } from './setGreetJoiners.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * Join requests: every one is logged; in an active group it is approved at once. A request
 * someone already handled (Telegram answers HIDE_REQUESTER_MISSING, or
 * USER_ALREADY_PARTICIPANT) counts as done; any other refusal is recorded with its reason.
 * 5xx and network errors are thrown, so the update's job is retried with the request still
 * pending. With `/greet on`, the user gets a welcome through `user_chat_id` *before* the
 * approval: Telegram lets a bot message a requester who never started it only "for 5 minutes
 * … until the join request is processed" (ChatJoinRequest.user_chat_id), so a greeting sent
 * after approving fails with 403 "bot can't initiate conversation with a user". A late
 * update (a slow queue, a redelivery) meets that 403 even before approving; it is expected
 * and the approval goes ahead.
 */
export const joinRequestsFeature = new Composer<BotContext>();

// Telegram's answers that mean "nothing left to approve".
const ALREADY_HANDLED = /HIDE_REQUESTER_MISSING|USER_ALREADY_PARTICIPANT/;

joinRequestsFeature.on('chat_join_request', async (ctx) => {
  const request = ctx.chatJoinRequest;
  const logged = await recordJoinRequest(ctx.sql, request);
  const log = ctx.log.child({ chat_id: request.chat.id, user_id: request.from.id, join_request_id: logged.id });
  if (logged.outcome !== 'pending') return void log.info({ outcome: logged.outcome }, 'join request seen before');

  const group = await readGroup(ctx.sql, request.chat.id);
  if (!group?.active) {
    await finishJoinRequest(ctx.sql, logged.id, 'ignored');
    return void log.info('join request left to the admins: the group is not active');
  }
  // Greet first: once the request is approved, user_chat_id can no longer be messaged. The
  // update runs in one transaction, so if the approval then fails transiently the retry
  // greets again; a greeting twice is the price of greeting at all.
  const greeted = group.greetJoiners && await greet(ctx, group.title, log);
  try {
    await ctx.approveChatJoinRequest(request.from.id);
  } catch (err) {
    if (!(err instanceof GrammyError) || err.error_code >= 500 || err.error_code === 429) throw err;
    const outcome = ALREADY_HANDLED.test(err.description) ? 'already_handled' : 'failed';
    await finishJoinRequest(ctx.sql, logged.id, outcome, { error: err.description, greeted });
    return void log.info({ outcome, error: err.description }, 'join request not approved');
  }
  await finishJoinRequest(ctx.sql, logged.id, 'approved', { greeted });
  log.info({ greeted }, 'join request approved');
});

/**
 * The welcome DM, in the joiner's Telegram language. Best effort: the approval goes ahead
 * either way. A 403 is an expected outcome (the 5-minute window passed, or the user's
 * privacy settings refuse), logged at info; anything else is a warning.
 */
async function greet(ctx: BotContext, title: string, log: BotContext['log']): Promise<boolean> {
  const request = ctx.chatJoinRequest!;
  const t = createTranslator(pickLocale(null, request.from.language_code));
  try {
    await ctx.api.sendMessage(request.user_chat_id, t('join_greeting', { title }), { parse_mode: 'HTML' });
    return true;
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 403) {
      log.info({ error: err.description }, 'join request not greeted: Telegram no longer lets the bot message the user');
    } else {
      log.warn({ err }, 'could not greet the joiner');
    }
    return false;
  }
}

/** `/greet on` or `/greet off` in a group, by its linked admin. */
joinRequestsFeature.chatType(['group', 'supergroup']).command('greet', async (ctx) => {
  const on = ctx.match.trim().toLowerCase() !== 'off';
  if (!(await setGreetJoiners(ctx.sql, ctx.chat.id, ctx.from.id, on))) return void (await ctx.reply(ctx.t('greet_not_linked')));
  await ctx.reply(ctx.t(on ? 'greet_on' : 'greet_off'));
});
