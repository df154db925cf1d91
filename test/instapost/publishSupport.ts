import { type EmulatedInstagramAccount, graphErrors } from '../../emulator/instagram/index.js';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { saveAccount } from '../../shared/modules/instapost/instagramAccounts.js';
import { schedulePost } from '../../shared/modules/instapost/posts.js';
import { grantPlan } from '../../shared/modules/plans/grantPlan.js';
import type { PlanId } from '../../shared/modules/plans/plans.js';
import type { InstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';

let n = 0;

/**
 * A registered user with `account` connected (straight into the database, the connect flow has its own tests),
 * on the Pro plan unless `plan` says otherwise (tests of the plans' limits are in test/plans).
 */
export async function userWithAccount(stack: InstapostStack, options: { username?: string; quotaTotal?: number; plan?: Exclude<PlanId, 'free'> | 'free'; languageCode?: string } = {}):
  Promise<{ user: EmulatedUser; account: EmulatedInstagramAccount; accountId: number }> {
  const languageCode = options.languageCode ?? 'en';
  const user = stack.telegram.createUser({ first_name: `U${++n}`, language_code: languageCode });
  await stack.db.sql`insert into users (id, first_name, language_code) values (${user.id}, ${user.user.first_name}, ${languageCode}) on conflict do nothing`;
  const { account, accountId } = await connectAccount(stack, user.id, options);
  const plan = options.plan ?? 'pro';
  if (plan !== 'free') await grantPlan(stack.db.sql, { userId: user.id, plan, until: null, source: 'admin' });
  return { user, account, accountId };
}

/** One more emulated Instagram account connected for a registered user (the first becomes the default). */
export async function connectAccount(stack: InstapostStack, userId: number, options: { username?: string; quotaTotal?: number } = {}):
  Promise<{ account: EmulatedInstagramAccount; accountId: number }> {
  const account = stack.instagram.createAccount({ username: options.username ?? `pub_${process.pid}_${++n}`, quotaTotal: options.quotaTotal });
  const saved = await saveAccount(stack.db.sql, stack.services.keyring, userId,
    { igUserId: account.igUserId!, pageId: account.pageId, username: account.username!, followersCount: 1 }, account.pageToken, { maxAccounts: 5 });
  if (saved.status === 'limit') throw new Error('limit');
  return { account, accountId: saved.id };
}

/**
 * A post of `images` (sent by the user to the emulated Telegram, so the worker can download them)
 * scheduled for `at` (default now).
 */
export async function schedule(stack: InstapostStack, user: EmulatedUser, accountId: number, images: Buffer[],
  options: { caption?: string; at?: Date } = {}): Promise<number> {
  const files: { file_id: string; file_unique_id: string }[] = [];
  for (const bytes of images) {
    const action = await user.sendImage(bytes);
    const photo = action.update.message!.photo!.at(-1)!;
    files.push(photo);
  }
  const [post] = await stack.db.sql<{ id: number }[]>`
    insert into posts (user_id, account_id, caption, draft_step, draft_expires_at) values (${user.id}, ${accountId}, ${options.caption ?? 'hello'}, 'preview', now() + interval '1 day')
    returning id`;
  for (const [i, f] of files.entries()) {
    await stack.db.sql`insert into post_images (post_id, position, telegram_file_id, file_unique_id, source_format) values (${post!.id}, ${i + 1}, ${f.file_id}, ${f.file_unique_id}, 'jpeg')`;
  }
  const result = await schedulePost(stack.db.sql, user.id, post!.id, options.at ?? new Date());
  if (result.status !== 'scheduled') throw new Error(result.status);
  return post!.id;
}

/**
 * Two posts of one picture for /history: one published, then one Instagram refused as too large
 * (`image_too_large`, the reason /history names). Resolves once each has settled.
 */
export async function publishedAndFailed(stack: InstapostStack, made: { user: EmulatedUser; account: EmulatedInstagramAccount; accountId: number }):
  Promise<{ published: number; failed: number }> {
  const published = await schedule(stack, made.user, made.accountId, [await jpeg(1080, 1080)]);
  await postReaches(stack, published, ['published']);
  stack.instagram.failNext('createContainer', graphErrors.imageTooLarge(), { igUserId: made.account.igUserId });
  const failed = await schedule(stack, made.user, made.accountId, [await jpeg(1080, 1080)]);
  await postReaches(stack, failed, ['failed']);
  return { published, failed };
}

/** Waits until the post reaches one of `states`. */
export async function postReaches(stack: InstapostStack, postId: number, states: string[], timeoutMs = 30_000):
  Promise<{ state: string; error_reason: string | null; error_image: number | null; media_id: string | null; permalink: string | null }> {
  const start = Date.now();
  for (;;) {
    const [row] = await stack.db.sql<{ state: string; error_reason: string | null; error_image: number | null; media_id: string | null; permalink: string | null }[]>`
      select state, error_reason, error_image, media_id, permalink from posts where id = ${postId}`;
    if (row && states.includes(row.state)) return row;
    if (Date.now() - start > timeoutMs) throw new Error(`post ${postId} is ${row?.state}, not ${states.join('/')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
