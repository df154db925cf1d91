// Jobs: filter by type and state, search inside the payload; dead jobs with their error;
// replay or discard one, or every dead job the filters match.
import { api } from '../api.js';
import { csvHref, filterForm, h, readFilters, renderTable } from '../table.js';
import { formatNumber, t } from '../texts.js';

export function mount(main, { canAct, say, title }) {
  const table = h('div', { id: 'table' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, t('csv'));
  const count = h('span', { id: 'count', class: 'count' });
  const form = filterForm([
    { name: 'type', label: t('jobs.type'), choices: [] },
    { name: 'state', label: t('jobs.state'), choices: ['queued', 'waiting', 'running', 'failed'] },
    { name: 'q', label: t('jobs.search') },
  ], () => view.onChange());

  async function act(action, body, what) {
    if (!confirm(t(action === 'replay' ? 'jobs.confirmReplay' : 'jobs.confirmDiscard', { what }))) return;
    try {
      const result = await api(`/admin/api/jobs/${action}`, { method: 'POST', body });
      const ids = result.replayed ?? result.discarded;
      say(t(action === 'replay' ? 'jobs.replayed' : 'jobs.discarded', { n: ids.length, list: ids.length ? `: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? '…' : ''}` : '' }));
    } catch (err) {
      say(err.message, true);
    }
    await view.onChange();
  }
  const bulk = canAct ? [
    h('button', { type: 'button', id: 'replay-all', onclick: () => act('replay', { filter: readFilters() }, t('jobs.everyMatching')) }, t('jobs.replayAll')),
    h('button', { type: 'button', id: 'discard-all', class: 'danger', onclick: () => act('discard', { filter: readFilters() }, t('jobs.everyMatching')) }, t('jobs.discardAll')),
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
      count.textContent = t('jobs.count', { shown: formatNumber(result.rows.length), total: result.total >= 10000 ? `${formatNumber(10000)}+` : formatNumber(result.total) });
      renderTable(table, result, {
        hidden: ['max_attempts', 'serial_key'],
        actions: canAct ? (row) => row.state === 'failed' ? [
          h('button', { type: 'button', class: 'replay', onclick: () => act('replay', { ids: [row.id] }, t('jobs.one', { id: row.id })) }, t('jobs.replay')),
          h('button', { type: 'button', class: 'discard danger', onclick: () => act('discard', { ids: [row.id] }, t('jobs.one', { id: row.id })) }, t('jobs.discard')),
        ] : [] : undefined,
      });
    },
  };
  main.replaceChildren(h('h1', {}, title), h('div', { class: 'toolbar' }, form, count, csv, ...bulk), table);
  return view;
}
