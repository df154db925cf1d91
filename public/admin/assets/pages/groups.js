// Groups: active, deactivated with the reason and when; join requests per group.
import { api } from '../api.js';
import { csvHref, filterForm, h, readFilters, renderTable } from '../table.js';
import { t } from '../texts.js';

export function mount(main, { title }) {
  const table = h('div', { id: 'table' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, t('csv'));
  const view = {
    async refresh() {
      const filters = readFilters();
      csv.href = csvHref('groups', filters);
      renderTable(table, await api(`/admin/api/groups?${new URLSearchParams(filters)}`));
    },
  };
  main.replaceChildren(h('h1', {}, title),
    h('div', { class: 'toolbar' }, filterForm([{ name: 'status', label: t('groups.status'), choices: ['active', 'deactivated'] }], () => view.onChange()), csv), table);
  return view;
}
