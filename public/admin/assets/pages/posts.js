// Posts: each post's timeline (containers, statuses, published media, errors) and "check
// status", which asks the Graph API and corrects the record where Graph knows better.
import { api } from '../api.js';
import { cellText, csvHref, filterForm, h, readFilters } from '../table.js';
import { t } from '../texts.js';

const STEPS = ['created_at', 'scheduled_at', 'reminded_at', 'published_at', 'notified_at'];

export function mount(main, { canAct, say, title }) {
  const list = h('div', { id: 'posts' });
  const csv = h('a', { class: 'button', id: 'csv', download: true }, t('csv'));
  const view = {
    async refresh() {
      const filters = readFilters();
      csv.href = csvHref('posts', filters);
      const { rows } = await api(`/admin/api/posts?${new URLSearchParams(filters)}`);
      list.replaceChildren(...rows.map(timeline));
      if (rows.length === 0) list.append(h('p', { class: 'empty' }, t('nothingMatches')));
    },
  };
  function timeline(p) {
    const check = canAct ? h('button', { type: 'button', class: 'check', onclick: async () => {
      try {
        const r = await api(`/admin/api/posts/${p.id}/check`, { method: 'POST' });
        say(t('posts.checked', { id: p.id, graph: r.graph, error: r.error ? ` (${r.error})` : '', outcome: r.changed ? t('posts.corrected', { state: r.state }) : t('posts.unchanged') }));
      } catch (err) {
        say(err.message, true);
      }
      await view.onChange();
    } }, t('posts.check')) : null;
    const events = STEPS.filter((k) => p[k]).map((k) => h('li', {}, h('time', {}, cellText(p[k])), ` ${t(`posts.step.${k}`)}`));
    return h('article', { class: 'card post', 'data-id': p.id, 'data-state': p.state },
      h('h2', {}, `#${p.id} · @${p.account ?? '?'} · `, h('span', { class: `state ${p.state}` }, p.state)), check,
      h('p', {}, `${t('posts.images', { n: p.images, user: p.user_id })}${p.caption ? ` · ${p.caption}` : ''}`),
      h('ul', { class: 'timeline' }, events),
      h('dl', {},
        p.container_id ? [h('dt', {}, t('posts.container')), h('dd', { class: 'mono' }, p.container_id)] : null,
        p.child_containers.length ? [h('dt', {}, t('posts.children')), h('dd', { class: 'mono' }, p.child_containers.join(', '))] : null,
        p.media_id ? [h('dt', {}, t('posts.media')), h('dd', { class: 'mono' }, p.media_id)] : null,
        p.permalink ? [h('dt', {}, t('posts.link')), h('dd', {}, h('a', { href: p.permalink, rel: 'noreferrer', target: '_blank' }, p.permalink))] : null,
        p.error_reason ? [h('dt', {}, t('posts.error')), h('dd', { class: 'error' }, `${p.error_reason}${p.error_image ? t('posts.errorImage', { n: p.error_image }) : ''}`)] : null,
        p.job_state ? [h('dt', {}, t('posts.job')), h('dd', {}, `${t('posts.attempts', { state: p.job_state, n: p.job_attempts })}${p.job_error ? `: ${p.job_error}` : ''}`)] : null));
  }
  main.replaceChildren(h('h1', {}, title),
    h('div', { class: 'toolbar' }, filterForm([{ name: 'state', label: t('posts.state'), choices: ['scheduled', 'publishing', 'published', 'failed', 'cancelled'] }], () => view.onChange()), csv), list);
  return view;
}
