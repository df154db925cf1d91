// Broadcasts: progress live, failures by reason, outcome unknown, stop.
import { api } from '../api.js';
import { csvHref, h, renderTable } from '../table.js';
import { t } from '../texts.js';

export function mount(main, { canAct, say, title }) {
  const list = h('div', { id: 'progress' });
  const table = h('div', { id: 'table' });
  const csv = h('a', { class: 'button', id: 'csv', download: true, href: csvHref('broadcasts', {}) }, t('csv'));
  const view = {
    async refresh() {
      const result = await api('/admin/api/broadcasts');
      list.replaceChildren(...result.rows.filter((b) => b.state === 'running' || b.state === 'cancelled' && !b.finished_at).map((b) => progressCard(b)));
      renderTable(table, result, { hidden: ['text', 'pending', 'sending'] });
    },
  };
  function progressCard(b) {
    const settled = b.sent + b.failed + b.unknown + b.cancelled;
    const pct = b.total ? Math.round((100 * settled) / b.total) : 100;
    const stop = canAct && b.state === 'running' ? h('button', { type: 'button', class: 'danger stop', onclick: async () => {
      if (!confirm(t('broadcasts.confirmStop', { id: b.id }))) return;
      try {
        await api(`/admin/api/broadcasts/${b.id}/stop`, { method: 'POST' });
        say(t('broadcasts.stopped', { id: b.id }));
      } catch (err) {
        say(err.message, true);
      }
      await view.onChange();
    } }, t('broadcasts.stop')) : null;
    return h('section', { class: 'card broadcast', 'data-id': b.id },
      h('h2', {}, t('broadcasts.heading', { id: b.id, audience: b.audience, state: b.state })), stop,
      h('progress', { max: b.total || 1, value: settled }),
      h('p', { class: 'progress-text' }, t('broadcasts.settled', { settled, total: b.total, pct }), h('b', { 'data-n': 'sent' }, String(b.sent)), t('broadcasts.sent'),
        h('b', { 'data-n': 'failed' }, String(b.failed)), t('broadcasts.failed'), h('b', { 'data-n': 'unknown' }, String(b.unknown)), t('broadcasts.unknown'),
        h('b', { 'data-n': 'pending' }, String(b.pending + b.sending)), t('broadcasts.toGo')),
      Object.keys(b.failures).length ? h('ul', { class: 'reasons' }, Object.entries(b.failures).map(([reason, n]) => h('li', {}, `${reason}: ${n}`))) : null);
  }
  main.replaceChildren(h('h1', {}, title), h('h2', {}, t('broadcasts.inProgress')), list, h('div', { class: 'toolbar' }, h('h2', {}, t('broadcasts.all')), csv), table);
  return view;
}
