import { Composer } from 'grammy';
import type { AdminContext } from './adminGate.js';
import { readAdminStats } from './readAdminStats.js';

/** `/admin_stats`: users and their activity, the growth bot's numbers, groups, posts, payments, and the job queue. */
export const adminStatsFeature = new Composer<AdminContext>();

adminStatsFeature.command('admin_stats', async (ctx) => {
  const s = await readAdminStats(ctx.sql);
  const payments = s.payments ? ctx.t('admin_stats_payments', { ...s.payments }) : ctx.t('admin_stats_no_payments');
  await ctx.reply(ctx.t('admin_stats', {
    users: s.users.total, newToday: s.users.newToday, activeToday: s.users.activeToday, active7Days: s.users.active7Days,
    banned: s.users.banned, unreachable: s.users.unreachable, groups: s.groups.total, groupsActive: s.groups.active,
    groupsRegistered: s.groups.registered, groupsDeactivated: s.groups.deactivated, ...s.growth,
    ...s.posts, payments, ready: s.queue.ready, running: s.queue.running, lag: Math.round(s.queue.lagSeconds), deadJobs: s.queue.failed,
  }), { parse_mode: 'HTML' });
});
