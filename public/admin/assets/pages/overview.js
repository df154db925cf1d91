// Overview: the counts, the queue, and charts over time.
import { api } from '../api.js';
import { columns, lineChart } from '../chart.js';
import { h } from '../table.js';

const STATS = [
  ['Users', [['users.total', 'total'], ['users.newToday', 'new today'], ['users.new7d', 'new, 7 days'], ['users.activeToday', 'active today'], ['users.active7d', 'active, 7 days'], ['users.referred', 'came by referral']]],
  ['Groups', [['groups.active', 'active'], ['groups.deactivated', 'deactivated'], ['groups.joinRequestsApproved', 'join requests approved']]],
  ['Posts', [['posts.scheduled', 'scheduled'], ['posts.published', 'published'], ['posts.failed', 'failed']]],
  ['Payments', [['payments.payments', 'payments'], ['payments.stars', 'Stars'], ['payments.payments30d', 'payments, 30 days'], ['payments.stars30d', 'Stars, 30 days'], ['payments.refunds', 'refunds']]],
  ['Queue', [['queue.ready', 'ready'], ['queue.running', 'running'], ['queue.lagSeconds', 'lag, s'], ['queue.failed', 'failed jobs'], ['broadcastsRunning', 'broadcasts in progress']]],
];

const read = (obj, path) => path.split('.').reduce((o, k) => o?.[k], obj);

export function mount(main) {
  const cards = STATS.map(([title, stats]) => h('section', { class: 'card' }, h('h2', {}, title),
    h('dl', {}, stats.map(([key, label]) => [h('dt', {}, label), h('dd', { 'data-stat': key }, '…')]))));
  const newUsers = lineChart('New users per day (30 days)', { bars: true });
  const jobs = lineChart('Jobs done per minute (last hour)');
  const sends = lineChart('Telegram sends per minute (last hour)');
  const depth = lineChart('Queue depth (last hour)');
  const replies = lineChart('DM reply time, ms (6 hours)', { series: ['p50', 'p95', 'p99'], unit: ' ms' });
  const failures = h('section', { class: 'card' }, h('h2', {}, 'Failures by reason (7 days)'), h('div', { id: 'failures' }));
  const alerts = h('section', { class: 'card' }, h('h2', {}, 'Alerts'), h('dl', { id: 'alerts' }));
  main.replaceChildren(h('h1', {}, 'Overview'), h('div', { class: 'grid' }, cards, alerts), h('div', { class: 'grid charts' }, newUsers.el, jobs.el, sends.el, depth.el, replies.el, failures));
  return {
    async refresh() {
      const { overview, charts, alerts: rules } = await api('/admin/api/overview');
      alerts.querySelector('#alerts').replaceChildren(...rules.flatMap((a) => [h('dt', {}, a.rule.replace(/_/g, ' ')),
        h('dd', { 'data-alert': a.rule, class: `level ${a.level}` }, a.level === 'ok' ? 'ok' : `${a.level} (${a.value === null ? '–' : Math.round(a.value * 100) / 100})`)]));
      for (const dd of main.querySelectorAll('[data-stat]')) {
        const v = read(overview, dd.dataset.stat);
        dd.textContent = typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(1)) : '–';
      }
      newUsers.update(columns(charts.newUsersPerDay));
      jobs.update(columns(charts.jobsPerMinute));
      sends.update(columns(charts.sendsPerMinute));
      depth.update(columns(charts.queueDepth));
      const r = charts.replyTimes;
      replies.update([r.map((p) => p.at), r.map((p) => p.p50), r.map((p) => p.p95), r.map((p) => p.p99)]);
      const max = Math.max(1, ...charts.failuresByReason.map((f) => f.count));
      failures.querySelector('#failures').replaceChildren(charts.failuresByReason.length === 0 ? h('p', { class: 'empty' }, 'No failures.')
        : h('ul', { class: 'bars' }, charts.failuresByReason.map((f) => h('li', { 'data-reason': `${f.source}:${f.reason}` },
          h('span', { class: 'bar', style: { '--w': `${(100 * f.count / max).toFixed(0)}%` } }), `${f.source} · ${f.reason}: `, h('b', {}, String(f.count))))));
    },
  };
}
