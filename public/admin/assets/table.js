// A table view: the columns the server sent, the rows, an optional action cell per row, and
// a CSV link with the same filters (the server exports exactly what they match).
import { locale, t, textOr } from './texts.js';

/** Text for a cell: dates in the reader's time zone and language, objects as JSON, empty for null. */
export function cellText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return new Date(value).toLocaleString(locale);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Creates an element with attributes and children (strings become text, never HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    // Through the CSSOM: the page's CSP forbids style attributes.
    else if (k === 'style') for (const [prop, value] of Object.entries(v)) el.style.setProperty(prop, value);
    else if (v !== false && v !== undefined && v !== null) el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

/** Replaces `container`'s content with the table; `actions(row)` returns the row's buttons (or nothing). */
export function renderTable(container, { columns, rows }, { actions, hidden = [] } = {}) {
  const shown = columns.filter((c) => !hidden.includes(c.key));
  const head = h('tr', {}, shown.map((c) => h('th', { scope: 'col' }, c.label)), actions ? h('th', {}, '') : null);
  const body = rows.map((row) => h('tr', { 'data-id': row.id },
    shown.map((c) => h('td', { 'data-col': c.key, 'data-label': c.label }, cellText(row[c.key]))),
    actions ? h('td', { class: 'actions' }, actions(row) ?? []) : null));
  container.replaceChildren(h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, head), h('tbody', {}, body))));
  if (rows.length === 0) container.append(h('p', { class: 'empty' }, t('nothingMatches')));
}

/** The CSV export link of `view` with the page's current filters. */
export function csvHref(view, params) {
  const q = new URLSearchParams(params);
  q.set('format', 'csv');
  return `/admin/api/${view}?${q}`;
}

/** The filters in the address bar (so a reload, a shared link and the CSV keep them). */
export function readFilters() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

/** Writes the filters to the address bar without a reload. */
export function writeFilters(filters) {
  const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
}

/** A filter form: its fields change the filters and refresh the view. */
export function filterForm(fields, onChange) {
  const filters = readFilters();
  const form = h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() });
  for (const f of fields) {
    const input = f.choices
      ? h('select', { name: f.name, 'aria-label': f.label }, h('option', { value: '' }, t('filterAll', { label: f.label })), f.choices.map((c) => h('option', { value: c, selected: filters[f.name] === c }, textOr(`choice.${c}`, c))))
      : h('input', { name: f.name, type: 'search', placeholder: f.label, 'aria-label': f.label, value: filters[f.name] ?? '' });
    input.addEventListener(f.choices ? 'change' : 'input', () => {
      writeFilters(Object.fromEntries(new FormData(form)));
      onChange();
    });
    form.append(input);
  }
  return form;
}
