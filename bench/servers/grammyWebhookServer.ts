// Reference: what a grammY user would write without our ingress: `webhookCallback` with the
// same secret check, handling the update inline with the very same dedupe-and-enqueue insert.
import { Bot, webhookCallback } from 'grammy';
import { createSql } from '../../shared/db/createSql.js';
import { recordUpdate } from '../../shared/ingress/recordUpdate.js';
import { routeUpdate } from '../../shared/telegram/routeUpdate.js';
import { serveOnLoopback } from './serveOnLoopback.js';

// Same pool as the function under test (INGRESS_DB_POOL_MAX, default 2, no prepared statements).
const sql = createSql(process.env.DATABASE_URL!, { max: Number(process.env.INGRESS_DB_POOL_MAX ?? 2), prepare: false, applicationName: 'bench-grammy' });
// botInfo given, so grammY never calls getMe (nothing here may reach Telegram).
const bot = new Bot('123456:bench', {
  botInfo: {
    id: 123456, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: true,
    can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false,
    has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false,
    can_manage_bots: false, supports_join_request_queries: false,
  },
});
bot.use(async (ctx) => {
  await recordUpdate(sql, ctx.update.update_id, JSON.stringify(ctx.update), routeUpdate(ctx.update));
});
serveOnLoopback(webhookCallback(bot, 'http', { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET }), () => sql.end({ timeout: 1 }));
