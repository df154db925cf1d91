// Payments: Star transactions (refunds marked), and subscriptions whose paid period ends within 7 days.
import { api } from '../api.js';
import { csvHref, filterForm, h, readFilters, renderTable } from '../table.js';
import { t } from '../texts.js';

export function mount(main, { title }) {
  const payments = h('div', { id: 'table' });
  const ending = h('div', { id: 'ending' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, t('csv'));
  const endingCsv = h('a', { class: 'button', id: 'csv-ending', download: true, href: csvHref('subscriptions', {}) }, t('csv'));
  const view = {
    async refresh() {
      const filters = readFilters();
      csv.href = csvHref('payments', filters);
      // Both read before either is drawn, so the page never shows one table new and one old.
      const [paid, ends] = await Promise.all([api(`/admin/api/payments?${new URLSearchParams(filters)}`), api('/admin/api/subscriptions')]);
      renderTable(payments, paid);
      renderTable(ending, ends);
    },
  };
  main.replaceChildren(h('h1', {}, title),
    h('div', { class: 'toolbar' }, h('h2', {}, t('payments.transactions')), filterForm([{ name: 'only', label: t('payments.show'), choices: ['refunded', 'unmatched'] }], () => view.onChange()), csv), payments,
    h('div', { class: 'toolbar' }, h('h2', {}, t('payments.ending')), endingCsv), ending);
  return view;
}
