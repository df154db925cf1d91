// Users: search by id, @username or name; plan, points, referrals, accounts; ban / unban.
import { api } from '../api.js';
import { csvHref, filterForm, h, readFilters, renderTable } from '../table.js';

export function mount(main, { canAct, say }) {
  const table = h('div', { id: 'table' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, 'Download CSV');
  async function setBan(user, ban) {
    const name = user.username ? `@${user.username}` : `${user.first_name ?? ''} (${user.id})`;
    let reason;
    if (ban) {
      reason = prompt(`Ban ${name}? Their scheduled posts are paused. Reason (optional):`);
      if (reason === null) return;
    } else if (!confirm(`Unban ${name}? Their paused posts are scheduled again.`)) return;
    try {
      const r = await api(`/admin/api/users/${user.id}/${ban ? 'ban' : 'unban'}`, { method: 'POST', body: ban ? { reason } : {} });
      say(r.status === 'done' ? `${name} ${ban ? 'banned' : 'unbanned'} (${r.posts} post(s) ${ban ? 'paused' : 'resumed'})` : `${name} was already ${ban ? 'banned' : 'not banned'}`);
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
          ? h('button', { type: 'button', class: 'unban', onclick: () => setBan(u, false) }, 'Unban')
          : h('button', { type: 'button', class: 'ban danger', onclick: () => setBan(u, true) }, 'Ban')] : undefined,
      });
    },
  };
  main.replaceChildren(h('h1', {}, 'Users'), h('div', { class: 'toolbar' }, filterForm([{ name: 'q', label: 'id, @username or name' }], () => view.onChange()), csv), table);
  return view;
}
