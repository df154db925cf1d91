import { type Api, GrammyError } from 'grammy';
import { createTranslator } from '../../i18n/createTranslator.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { jobHandler, type JobContext } from '../../queue/jobHandler.js';
import { joinRequestJob } from './joinRequestJob.js';
import { finishJoinRequest } from './recordJoinRequest.js';

// Telegram's answers that mean "nothing left to approve".
const ALREADY_HANDLED = /HIDE_REQUESTER_MISSING|USER_ALREADY_PARTICIPANT/;

interface PendingRequest {
  chatId: number;
  userId: number;
  userChatId: number;
  outcome: string;
  greeted: boolean;
  title: string | null;
  active: boolean | null;
  greetJoiners: boolean | null;
  requesterBanned: boolean;
}

/**
 * Runs a {@link joinRequestJob}: greets the requester first if the group asked for it, then
 * approves; a requester banned meanwhile gets neither (the request is left to the group's admins). Greet first: Telegram lets a bot message a requester who never started it only
 * "for 5 minutes … until the join request is processed" (ChatJoinRequest.user_chat_id), so a
 * greeting after the approval fails with 403.
 *
 * The greeting is marked sent (committed) before it is sent, so a retried job never sends it
 * twice; a crash between the mark and the send loses it instead, since a welcome is a courtesy
 * and a second copy a bug. Telegram's definite refusals (403, 400) take the mark back. An
 * approval refused for good is recorded with its reason; 5xx, 429 and network errors are
 * thrown, so the queue retries with the request still pending, and the last attempt records
 * the request as failed.
 */
export function joinRequestHandler(deps: { api: Api; rawApi: Api }) {
  return jobHandler(joinRequestJob, async (p, ctx) => {
    const [request] = await ctx.sql<PendingRequest[]>`
      select j.chat_id as "chatId", j.user_id as "userId", j.user_chat_id as "userChatId", j.outcome, j.greeted,
        g.title, g.active, g.greet_joiners as "greetJoiners", coalesce(u.banned_at is not null, false) as "requesterBanned"
      from join_requests j left join groups g on g.chat_id = j.chat_id left join users u on u.id = j.user_id
      where j.id = ${p.joinRequestId}`;
    if (!request || request.outcome !== 'pending') return void ctx.log.info({ outcome: request?.outcome }, 'join request already decided');
    // Banned since the request came (the update checked then): no greeting, no approval; the
    // group's admins decide, as for a request from a user banned already (joinRequestsFeature.ts).
    if (request.requesterBanned) {
      await finishJoinRequest(ctx.sql, p.joinRequestId, 'requester_banned');
      return void ctx.log.info('join request left to the admins: the requester is banned');
    }
    if (!request.active) {
      await finishJoinRequest(ctx.sql, p.joinRequestId, 'ignored');
      return void ctx.log.info('join request left to the admins: the group is no longer active');
    }
    const greeted = request.greetJoiners ? await greet(deps.rawApi, ctx, p, request) : request.greeted;
    try {
      await deps.api.approveChatJoinRequest(request.chatId, request.userId);
    } catch (err) {
      if (!(err instanceof GrammyError) || err.error_code >= 500 || err.error_code === 429) {
        if (ctx.job.attempts >= ctx.job.max_attempts) {
          await finishJoinRequest(ctx.sql, p.joinRequestId, 'failed', { error: err instanceof Error ? err.message : String(err), greeted });
        }
        throw err;
      }
      const outcome = ALREADY_HANDLED.test(err.description) ? 'already_handled' : 'failed';
      await finishJoinRequest(ctx.sql, p.joinRequestId, outcome, { error: err.description, greeted });
      return void ctx.log.info({ outcome, error: err.description }, 'join request not approved');
    }
    await finishJoinRequest(ctx.sql, p.joinRequestId, 'approved', { greeted });
    ctx.log.info({ greeted }, 'join request approved');
  });
}

/** Sends the welcome once: true when it went out (or may have, on an ambiguous failure). */
async function greet(api: Api, ctx: JobContext, p: { joinRequestId: number; languageCode?: string }, request: PendingRequest): Promise<boolean> {
  const claimed = await ctx.sql`update join_requests set greeted = true where id = ${p.joinRequestId} and not greeted returning id`;
  if (claimed.length === 0) return true;
  const t = createTranslator(pickLocale(null, p.languageCode));
  try {
    await api.sendMessage(request.userChatId, t('join_greeting', { title: request.title ?? '' }), { parse_mode: 'HTML' });
    return true;
  } catch (err) {
    if (err instanceof GrammyError && err.error_code < 500) {
      // Definitely not delivered. A 429 is tried again with the job (the approval waits for
      // it); a 403 is expected (the 5 minutes passed, or the user's privacy settings refuse);
      // a 400 is a bug of ours, worth a warning.
      await ctx.sql`update join_requests set greeted = false where id = ${p.joinRequestId}`;
      if (err.error_code === 429) throw err;
      if (err.error_code === 403) ctx.log.info({ error: err.description }, 'join request not greeted: Telegram no longer lets the bot message the user');
      else ctx.log.warn({ err }, 'could not greet the joiner');
      return false;
    }
    // A 5xx, a 429 or a network error: the message may have arrived. It stays marked, so it is
    // never sent twice; the approval goes ahead either way.
    ctx.log.warn({ err }, 'the greeting may not have arrived; it is not sent again');
    return true;
  }
}
