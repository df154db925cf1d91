import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { DropboxEmulator } from '../../emulator/dropbox/index.js';
import { InstagramEmulator } from '../../emulator/instagram/index.js';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { botModules } from '../../shared/modules/index.js';
import { saveAccount } from '../../shared/modules/instapost/instagramAccounts.js';
import { parseInstapostConfig } from '../../shared/modules/instapost/instapostConfig.js';
import { createInstapostServices } from '../../shared/modules/instapost/InstapostServices.js';
import { schedulePost } from '../../shared/modules/instapost/posts.js';
import { grantPlan } from '../../shared/modules/plans/grantPlan.js';
import { startWorker } from '../../worker/startWorker.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { summarize } from '../percentiles.js';
import type { Scenario, ScenarioResult } from '../scenarioResult.js';
import { silentLogger } from '../silentLogger.js';
import { waitFor } from '../waitFor.js';

const ACCOUNTS = 100;
const POSTS_PER_ACCOUNT = 5;
const POSTS = ACCOUNTS * POSTS_PER_ACCOUNT;
/** The emulator's time from container creation to FINISHED (its default; Meta's photos take seconds). */
const CONTAINER_PROCESSING_MS = 2000;

/**
 * Issue 12's load scenario: 500 single-image posts due in the same minute across 100 accounts.
 * The whole InstaPost path runs against the three emulators: the worker (in process, production
 * defaults: concurrency, container polling every 3 s) downloads each image from the Telegram
 * emulator, converts it, uploads it to the Dropbox emulator, mints a temporary link, creates the
 * container, polls it, publishes, reads the permalink and tells the user. Measured per post from
 * its due time to `published_at`, and the Graph calls each post cost, by operation.
 */
export const instapostBurst: Scenario = {
  name: 'instapost-burst',
  title: `InstaPost: ${POSTS} posts due in the same minute across ${ACCOUNTS} accounts`,
  async run({ serverUrl, progress }): Promise<ScenarioResult> {
    const db = await freshDatabase(serverUrl, 'instapost');
    const telegram = await TelegramEmulator.start();
    const instagram = await InstagramEmulator.start({ containerProcessingMs: CONTAINER_PROCESSING_MS });
    const dropbox = await DropboxEmulator.start();
    const services = createInstapostServices(parseInstapostConfig({
      INSTAGRAM_GRAPH_API_ROOT: instagram.graphRoot, DROPBOX_API_ROOT: dropbox.apiRoot, DROPBOX_CONTENT_ROOT: dropbox.contentRoot,
      DROPBOX_APP_KEY: dropbox.credentials.appKey, DROPBOX_APP_SECRET: dropbox.credentials.appSecret,
      DROPBOX_REFRESH_TOKEN: dropbox.credentials.refreshToken, ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    }));
    const worker = await startWorker({
      sql: db.sql, log: silentLogger, botToken: telegram.token, apiRoot: telegram.apiRoot,
      modules: botModules(['growth', 'instapost'], { instapost: services }), runner: { listen: true },
    });
    try {
      progress(`${ACCOUNTS} users with an account each, ${POSTS_PER_ACCOUNT} drafts each`);
      const image = await sharp({ create: { width: 1080, height: 1080, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
      const drafts: { userId: number; postId: number }[] = [];
      for (let a = 0; a < ACCOUNTS; a++) {
        const account = instagram.createAccount({ username: `burst_${a}` });
        const user = telegram.createUser({ first_name: `Poster ${a}`, language_code: 'en' });
        await db.sql`insert into users (id, first_name, language_code) values (${user.id}, ${user.user.first_name}, 'en')`;
        const saved = await saveAccount(db.sql, services.keyring, user.id,
          { igUserId: account.igUserId!, pageId: account.pageId, username: account.username!, followersCount: 1 }, account.pageToken, { maxAccounts: 5 });
        if (saved.status === 'limit') throw new Error('account limit');
        await grantPlan(db.sql, { userId: user.id, plan: 'business', until: null, source: 'admin' });
        for (let p = 0; p < POSTS_PER_ACCOUNT; p++) {
          const photo = (await user.sendImage(image)).update.message!.photo!.at(-1)!;
          const [post] = await db.sql<{ id: number }[]>`
            insert into posts (user_id, account_id, caption, draft_step, draft_expires_at)
            values (${user.id}, ${saved.id}, ${`Burst post ${a}.${p}`}, 'preview', now() + interval '1 day') returning id`;
          await db.sql`insert into post_images (post_id, position, telegram_file_id, file_unique_id, source_format)
            values (${post!.id}, 1, ${photo.file_id}, ${photo.file_unique_id}, 'jpeg')`;
          drafts.push({ userId: user.id, postId: post!.id });
        }
      }
      // All due at one moment a little ahead, so that scheduling them is not part of the measure.
      const graphBefore = instagram.calls.length;
      const dueAt = new Date(Date.now() + 3000);
      for (const d of drafts) {
        const result = await schedulePost(db.sql, d.userId, d.postId, dueAt);
        if (result.status !== 'scheduled') throw new Error(`post ${d.postId}: ${result.status}`);
      }
      const load = machineLoad();
      progress(`${POSTS} posts due at ${dueAt.toISOString()}`);
      await waitFor('every post to be published or failed', async () =>
        (await db.sql`select 1 from posts where state not in ('published', 'failed') limit 1`).length === 0, 15 * 60_000, 250);
      const rows = await db.sql<{ state: string; ms: number | null }[]>`
        select state, extract(epoch from published_at - scheduled_at) * 1000 as ms from posts`;
      const published = rows.filter((r) => r.state === 'published');
      const latency = summarize(published.map((r) => Number(r.ms)));
      const calls = instagram.calls.slice(graphBefore);
      const byOperation = new Map<string, number>();
      for (const c of calls) byOperation.set(c.operation, (byOperation.get(c.operation) ?? 0) + 1);
      const perPost = Object.fromEntries([...byOperation].map(([op, n]) => [`${op}_per_post`, n / POSTS]));
      const twice = await db.sql`select account_id, caption from posts group by 1, 2 having count(*) > 1`;
      const media = instagram.publishedPosts.length;
      return {
        scenario: this.name,
        rows: [
          { subject: `due → published, ${published.length} of ${POSTS} published`,
            values: { p50_ms: latency.p50, p95_ms: latency.p95, p99_ms: latency.p99, max_ms: latency.max, failed: rows.length - published.length } },
          { subject: 'Graph calls per post', values: { all_per_post: calls.length / POSTS, ...perPost } },
          { subject: 'duplicates', values: { instagram_media: media, media_over_posts: media - published.length, posts_repeated: twice.length } },
        ],
        goals: [],
        notes: [
          `in-process worker with production defaults (concurrency, container poll ${services.containerPollMs} ms); the Instagram emulator finishes a container ${CONTAINER_PROCESSING_MS} ms after its creation; Dropbox and Telegram emulators on loopback; load average ${load}`,
          'no goal is set by the issue; the latency is mostly container processing plus the poll interval, the rest is the queue and the image path',
        ],
      };
    } finally {
      await worker.stop(2000);
      await telegram.close();
      await instagram.close();
      await dropbox.close();
      await db.drop();
    }
  },
};
