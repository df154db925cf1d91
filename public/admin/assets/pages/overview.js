// Overview: the counts, the queue, and charts over time.
import { api } from '../api.js';
import { columns, lineChart } from '../chart.js';
import { h } from '../table.js';
import { formatNumber, locale, t, textOr } from '../texts.js';

// Each card's title and its numbers: the key in the API's overview, also the key of its label (`overview.<key>`).
const STATS = [
  ['users', ['users.total', 'users.newToday', 'users.new7d', 'users.activeToday', 'users.active7d', 'users.referred']],
  ['groups', ['groups.active', 'groups.deactivated', 'groups.joinRequestsApproved']],
  ['posts', ['posts.scheduled', 'posts.published', 'posts.failed']],
  ['payments', ['payments.payments', 'payments.stars', 'payments.payments30d', 'payments.stars30d', 'payments.refunds']],
  ['queue', ['queue.ready', 'queue.running', 'queue.lagSeconds', 'queue.failed', 'broadcastsRunning']],
];

const read = (obj, path) => path.split('.').reduce((o, k) => o?.[k], obj);

export function mount(main, { title }) {
  const cards = STATS.map(([card, stats]) => h('section', { class: 'card' }, h('h2', {}, t(`overview.${card}`)),
    h('dl', {}, stats.map((key) => [h('dt', {}, t(`overview.${key}`)), h('dd', { 'data-stat': key }, '…')]))));
  const newUsers = lineChart(t('overview.chart.newUsers'), { bars: true });
  const jobs = lineChart(t('overview.chart.jobs'));
  const sends = lineChart(t('overview.chart.sends'));
  const depth = lineChart(t('overview.chart.depth'));
  const replies = lineChart(t('overview.chart.replies'), { series: ['p50', 'p95', 'p99'], unit: t('overview.unitMs') });
  const failures = h('section', { class: 'card' }, h('h2', {}, t('overview.failures')), h('div', { id: 'failures' }));
  const alerts = h('section', { class: 'card' }, h('h2', {}, t('overview.alerts')), h('dl', { id: 'alerts' }));
  main.replaceChildren(h('h1', {}, title), h('div', { class: 'grid' }, cards, alerts), h('div', { class: 'grid charts' }, newUsers.el, jobs.el, sends.el, depth.el, replies.el, failures));
  return {
    async refresh() {
      const { overview, charts, alerts: rules } = await api('/admin/api/overview');
      alerts.querySelector('#alerts').replaceChildren(...rules.flatMap((a) => [h('dt', {}, textOr(`alert.rule.${a.rule}`, a.rule.replace(/_/g, ' '))),
        h('dd', { 'data-alert': a.rule, class: `level ${a.level}` }, a.level === 'ok' ? t('alert.ok') : `${t(`alert.${a.level}`)} (${a.value === null ? '–' : a.value.toLocaleString(locale, { useGrouping: false, maximumFractionDigits: 2 })})`)]));
      for (const dd of main.querySelectorAll('[data-stat]')) {
        const v = read(overview, dd.dataset.stat);
        dd.textContent = typeof v === 'number' ? (Number.isInteger(v) ? formatNumber(v) : v.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })) : '–';
      }
      newUsers.update(columns(charts.newUsersPerDay));
      jobs.update(columns(charts.jobsPerMinute));
      sends.update(columns(charts.sendsPerMinute));
      depth.update(columns(charts.queueDepth));
      const r = charts.replyTimes;
      replies.update([r.map((p) => p.at), r.map((p) => p.p50), r.map((p) => p.p95), r.map((p) => p.p99)]);
      const max = Math.max(1, ...charts.failuresByReason.map((f) => f.count));
      failures.querySelector('#failures').replaceChildren(charts.failuresByReason.length === 0 ? h('p', { class: 'empty' }, t('overview.noFailures'))
        : h('ul', { class: 'bars' }, charts.failuresByReason.map((f) => h('li', { 'data-reason': `${f.source}:${f.reason}` },
          h('span', { class: 'bar', style: { '--w': `${(100 * f.count / max).toFixed(0)}%` } }), `${f.source} · ${f.reason}: `, h('b', {}, String(f.count))))));
    },
  };
}
