// Users: search by id, @username or name; plan, points, referrals, accounts; ban / unban.
import { api } from '../api.js';
import { csvHref, filterForm, h, readFilters, renderTable } from '../table.js';
import { t } from '../texts.js';

export function mount(main, { canAct, say, title }) {
  const table = h('div', { id: 'table' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, t('csv'));
  async function setBan(user, ban) {
    const name = user.username ? `@${user.username}` : `${user.first_name ?? ''} (${user.id})`;
    let reason;
    if (ban) {
      reason = prompt(t('users.banPrompt', { name }));
      if (reason === null) return;
    } else if (!confirm(t('users.unbanConfirm', { name }))) return;
    try {
      const r = await api(`/admin/api/users/${user.id}/${ban ? 'ban' : 'unban'}`, { method: 'POST', body: ban ? { reason } : {} });
      say(r.status === 'done' ? t(ban ? 'users.banned' : 'users.unbanned', { name, n: r.posts }) : t(ban ? 'users.alreadyBanned' : 'users.alreadyUnbanned', { name }));
    } catch (err) {
      say(err.message, true);
    }
    await view.onChange();
  }
  const view = {
    async refresh() {
      const filters = readFilters();
      csv.href = csvHref('users', filters);
      renderTable(table, await api(`/admin/api/users?${new URLSearchParams(filters)}`), {
        hidden: ['ban_reason', 'unreachable_since', 'referred_by'],
        actions: canAct ? (u) => [u.banned_at
          ? h('button', { type: 'button', class: 'unban', onclick: () => setBan(u, false) }, t('users.unban'))
          : h('button', { type: 'button', class: 'ban danger', onclick: () => setBan(u, true) }, t('users.ban'))] : undefined,
      });
    },
  };
  main.replaceChildren(h('h1', {}, title), h('div', { class: 'toolbar' }, filterForm([{ name: 'q', label: t('users.search') }], () => view.onChange()), csv), table);
  return view;
}
