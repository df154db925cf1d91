// Broadcasts: progress live, failures by reason, outcome unknown, stop.
import { api } from '../api.js';
import { csvHref, h, renderTable } from '../table.js';

export function mount(main, { canAct, say }) {
  const list = h('div', { id: 'progress' });
  const table = h('div', { id: 'table' });
  const csv = h('a', { class: 'button', id: 'csv', download: true, href: csvHref('broadcasts', {}) }, 'Download CSV');
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
      if (!confirm(`Stop broadcast ${b.id}? Pending deliveries are cancelled; sends in flight finish.`)) return;
      try {
        await api(`/admin/api/broadcasts/${b.id}/stop`, { method: 'POST' });
        say(`Broadcast ${b.id} stopped`);
      } catch (err) {
        say(err.message, true);
      }
      await view.onChange();
    } }, 'Stop') : null;
    return h('section', { class: 'card broadcast', 'data-id': b.id },
      h('h2', {}, `#${b.id} to ${b.audience} · ${b.state}`), stop,
      h('progress', { max: b.total || 1, value: settled }),
      h('p', { class: 'progress-text' }, `${settled} of ${b.total} settled (${pct}%): `, h('b', { 'data-n': 'sent' }, String(b.sent)), ' sent, ',
        h('b', { 'data-n': 'failed' }, String(b.failed)), ' failed, ', h('b', { 'data-n': 'unknown' }, String(b.unknown)), ' outcome unknown, ',
        h('b', { 'data-n': 'pending' }, String(b.pending + b.sending)), ' to go'),
      Object.keys(b.failures).length ? h('ul', { class: 'reasons' }, Object.entries(b.failures).map(([reason, n]) => h('li', {}, `${reason}: ${n}`))) : null);
  }
  main.replaceChildren(h('h1', {}, 'Broadcasts'), h('h2', {}, 'In progress'), list, h('div', { class: 'toolbar' }, h('h2', {}, 'All broadcasts'), csv), table);
  return view;
}
