// Posts: each post's timeline (containers, statuses, published media, errors) and "check
// status", which asks the Graph API and corrects the record where Graph knows better.
import { api } from '../api.js';
import { cellText, csvHref, filterForm, h, readFilters } from '../table.js';

const STEPS = [['created_at', 'created'], ['scheduled_at', 'scheduled for'], ['reminded_at', 'reminder sent'], ['published_at', 'published'], ['notified_at', 'user told']];

export function mount(main, { canAct, say }) {
  const list = h('div', { id: 'posts' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, 'Download CSV');
  const view = {
    async refresh() {
      const filters = readFilters();
      csv.href = csvHref('posts', filters);
      const { rows } = await api(`/admin/api/posts?${new URLSearchParams(filters)}`);
      list.replaceChildren(...rows.map(timeline));
      if (rows.length === 0) list.append(h('p', { class: 'empty' }, 'Nothing matches.'));
    },
  };
  function timeline(p) {
    const check = canAct ? h('button', { type: 'button', class: 'check', onclick: async () => {
      try {
        const r = await api(`/admin/api/posts/${p.id}/check`, { method: 'POST' });
        say(`Post ${p.id}: Graph says ${r.graph}${r.error ? ` (${r.error})` : ''}; ${r.changed ? `record corrected, now ${r.state}` : 'record unchanged'}`);
      } catch (err) {
        say(err.message, true);
      }
      await view.onChange();
    } }, 'Check status') : null;
    const events = STEPS.filter(([k]) => p[k]).map(([k, label]) => h('li', {}, h('time', {}, cellText(p[k])), ` ${label}`));
    return h('article', { class: 'card post', 'data-id': p.id, 'data-state': p.state },
      h('h2', {}, `#${p.id} · @${p.account ?? '?'} · `, h('span', { class: `state ${p.state}` }, p.state)), check,
      h('p', {}, `${p.images} image(s) · user ${p.user_id}${p.caption ? ` · ${p.caption}` : ''}`),
      h('ul', { class: 'timeline' }, events),
      h('dl', {},
        p.container_id ? [h('dt', {}, 'container'), h('dd', { class: 'mono' }, p.container_id)] : null,
        p.child_containers.length ? [h('dt', {}, 'children'), h('dd', { class: 'mono' }, p.child_containers.join(', '))] : null,
        p.media_id ? [h('dt', {}, 'media'), h('dd', { class: 'mono' }, p.media_id)] : null,
        p.permalink ? [h('dt', {}, 'link'), h('dd', {}, h('a', { href: p.permalink, rel: 'noreferrer', target: '_blank' }, p.permalink))] : null,
        p.error_reason ? [h('dt', {}, 'error'), h('dd', { class: 'error' }, `${p.error_reason}${p.error_image ? ` (image ${p.error_image})` : ''}`)] : null,
        p.job_state ? [h('dt', {}, 'publish job'), h('dd', {}, `${p.job_state}, ${p.job_attempts} attempt(s)${p.job_error ? `: ${p.job_error}` : ''}`)] : null));
  }
  main.replaceChildren(h('h1', {}, 'Posts'),
    h('div', { class: 'toolbar' }, filterForm([{ name: 'state', label: 'State', choices: ['scheduled', 'publishing', 'published', 'failed', 'cancelled'] }], () => view.onChange()), csv), list);
  return view;
}
