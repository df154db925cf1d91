// Jobs: filter by type and state, search inside the payload; dead jobs with their error;
// replay or discard one, or every dead job the filters match.
import { api } from '../api.js';
import { csvHref, filterForm, h, readFilters, renderTable } from '../table.js';

export function mount(main, { canAct, say }) {
  const table = h('div', { id: 'table' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, 'Download CSV');
  const count = h('span', { id: 'count', class: 'count' });
  const form = filterForm([
    { name: 'type', label: 'Type', choices: [] },
    { name: 'state', label: 'State', choices: ['queued', 'waiting', 'running', 'failed'] },
    { name: 'q', label: 'Search the payload' },
  ], () => view.onChange());

  async function act(action, body, what) {
    if (!confirm(`${action === 'replay' ? 'Replay' : 'Discard'} ${what}?`)) return;
    try {
      const result = await api(`/admin/api/jobs/${action}`, { method: 'POST', body });
      const ids = result.replayed ?? result.discarded;
      say(`${action === 'replay' ? 'Replayed' : 'Discarded'} ${ids.length} job(s)${ids.length ? `: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? '…' : ''}` : ''}`);
    } catch (err) {
      say(err.message, true);
    }
    await view.onChange();
  }
  const bulk = canAct ? [
    h('button', { type: 'button', id: 'replay-all', onclick: () => act('replay', { filter: readFilters() }, 'every failed job these filters match') }, 'Replay all failed matching'),
    h('button', { type: 'button', id: 'discard-all', class: 'danger', onclick: () => act('discard', { filter: readFilters() }, 'every failed job these filters match') }, 'Discard all failed matching'),
  ] : [];

  const view = {
    async refresh() {
      const filters = readFilters();
      csv.href = csvHref('jobs', filters);
      const result = await api(`/admin/api/jobs?${new URLSearchParams(filters)}`);
      const select = form.elements.namedItem('type');
      const known = [...select.options].slice(1).map((o) => o.value);
      for (const type of result.choices.type) {
        if (!known.includes(type)) select.append(h('option', { value: type, selected: filters.type === type }, type));
      }
      count.textContent = `${result.rows.length} shown of ${result.total >= 10000 ? '10,000+' : result.total}`;
      renderTable(table, result, {
        hidden: ['max_attempts', 'serial_key'],
        actions: canAct ? (row) => row.state === 'failed' ? [
          h('button', { type: 'button', class: 'replay', onclick: () => act('replay', { ids: [row.id] }, `job ${row.id}`) }, 'Replay'),
          h('button', { type: 'button', class: 'discard danger', onclick: () => act('discard', { ids: [row.id] }, `job ${row.id}`) }, 'Discard'),
        ] : [] : undefined,
      });
    },
  };
  main.replaceChildren(h('h1', {}, 'Jobs'), h('div', { class: 'toolbar' }, form, count, csv, ...bulk), table);
  return view;
}
