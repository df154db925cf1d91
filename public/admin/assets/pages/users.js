// Users: search by id, @username or name; plan, points, referrals, accounts.
import { api } from '../api.js';
import { csvHref, filterForm, h, readFilters, renderTable } from '../table.js';

export function mount(main) {
  const table = h('div', { id: 'table' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, 'Download CSV');
  const view = {
    async refresh() {
      const filters = readFilters();
      csv.href = csvHref('users', filters);
      renderTable(table, await api(`/admin/api/users?${new URLSearchParams(filters)}`));
    },
  };
  main.replaceChildren(h('h1', {}, 'Users'), h('div', { class: 'toolbar' }, filterForm([{ name: 'q', label: 'id, @username or name' }], () => view.onChange()), csv), table);
  return view;
}
