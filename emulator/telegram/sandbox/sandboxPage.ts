/**
 * The sandbox page: one self-contained HTML document (inline CSS and JS, no build step).
 *
 * Everything shown that comes from the bot or users is put into the DOM with `textContent`
 * and `createElement`, never as markup; formatting is rebuilt from message entities, and links
 * are kept only for http(s) and tg: URLs. The one server-side value, the bot's name, is escaped.
 */
export function sandboxPage(botName: string, links: ReadonlyArray<{ label: string; href: string }> = []): string {
  // Links are the caller's (e.g. the emulated Instagram's posts page); only same-site paths and http(s) URLs.
  const safe = links.filter((link) => /^(\/(?!\/)|https?:\/\/)/.test(link.href));
  const html = safe.map((link) => `<a href="${escapeHtml(link.href)}" target="_blank" rel="noopener">${escapeHtml(link.label)}</a>`).join(' · ');
  return PAGE.replaceAll('{{BOT_NAME}}', escapeHtml(botName)).replace('{{LINKS}}', html === '' ? '' : `<div class="muted">${html}</div>`);
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox · {{BOT_NAME}}</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; display: grid; grid-template-columns: 280px 1fr; height: 100vh; color: #1b1f23; }
  aside { border-right: 1px solid #ddd; padding: 12px; overflow-y: auto; background: #f6f7f9; }
  main { display: grid; grid-template-rows: auto 1fr auto auto; min-height: 0; }
  h1 { font-size: 16px; margin: 0 0 8px; } h2 { font-size: 13px; text-transform: uppercase; color: #667; margin: 16px 0 6px; }
  select, input, button { font: inherit; padding: 5px 8px; border: 1px solid #bbb; border-radius: 6px; background: #fff; }
  button { cursor: pointer; } button:hover { background: #eef; }
  form { display: flex; gap: 6px; flex-wrap: wrap; margin: 6px 0; } form input { flex: 1; min-width: 0; }
  .chat { display: block; width: 100%; text-align: left; margin: 3px 0; border-color: transparent; background: none; }
  .chat.active { background: #dde8ff; border-color: #9ab; }
  header { padding: 10px 14px; border-bottom: 1px solid #ddd; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  header strong { margin-right: auto; }
  #messages { overflow-y: auto; padding: 14px; background: #e6ebee; }
  .msg { max-width: 70%; margin: 6px 0; padding: 8px 10px; border-radius: 10px; background: #fff; white-space: pre-wrap; word-wrap: break-word; }
  .msg.mine { margin-left: auto; background: #dcf8c6; }
  .msg .who { font-size: 12px; color: #2a6; font-weight: 600; } .msg .meta { font-size: 11px; color: #889; text-align: right; }
  .service { text-align: center; color: #556; font-size: 12px; margin: 8px 0; }
  .kb { display: grid; gap: 4px; margin-top: 6px; } .kb .row { display: flex; gap: 4px; } .kb button, .kb a { flex: 1; text-align: center; }
  .photo-img { display: block; max-width: 100%; max-height: 320px; border-radius: 6px; margin-bottom: 4px; } .doc { font-size: 13px; color: #456; }
  .photo { display: block; padding: 24px; background: #cfd8dc; border-radius: 6px; text-align: center; color: #456; margin-bottom: 4px; }
  .e-spoiler { background: #556; color: transparent; border-radius: 3px; } .e-spoiler:hover { color: inherit; background: #dde; }
  .e-code, .e-pre { font-family: ui-monospace, monospace; background: #f0f0f0; } .e-pre { display: block; padding: 4px; }
  .e-blockquote, .e-expandable_blockquote { display: block; border-left: 3px solid #6a8; padding-left: 6px; }
  #replykb { padding: 6px 14px; background: #f6f7f9; } #replykb:empty { display: none; }
  #composer { display: flex; gap: 6px; padding: 10px 14px; border-top: 1px solid #ddd; } #composer input { flex: 1; }
  #toast { position: fixed; top: 14px; left: 50%; transform: translateX(-50%); background: #333; color: #fff; padding: 8px 14px; border-radius: 8px; display: none; max-width: 60%; }
  #toast.alert { background: #b33; }
  .muted { color: #889; font-size: 12px; } .error { color: #b33; }
</style>
</head>
<body>
<aside>
  <h1>{{BOT_NAME}} sandbox</h1>
  {{LINKS}}
  <div class="muted" id="webhook"></div>
  <h2>You are</h2>
  <select id="user" aria-label="Current user"></select>
  <form id="newUser"><input name="first_name" placeholder="New user's name" required><button>Add</button></form>
  <h2>Chats</h2>
  <div id="chats"></div>
  <h2>New group</h2>
  <form id="newGroup">
    <input name="title" placeholder="Title" required>
    <select name="type"><option value="supergroup">supergroup</option><option value="group">group</option><option value="channel">channel</option></select>
    <select name="bot"><option value="admin">bot as admin</option><option value="member">bot as member</option><option value="none">without bot</option></select>
    <button>Create</button>
  </form>
  <div class="error" id="error"></div>
</aside>
<main>
  <header><strong id="title">Pick a user</strong><span id="actions"></span></header>
  <div id="messages"></div>
  <div id="replykb"></div>
  <form id="composer"><input id="text" placeholder="Message, /command, or a caption" autocomplete="off"><button type="button" id="photo" title="A placeholder photo">Photo</button><label class="muted" title="Send the picked image as a file (a document) instead of a compressed photo"><input type="checkbox" id="asFile"> as file</label><input type="file" id="file" accept="image/*" aria-label="Send an image"><button>Send</button></form>
</main>
<div id="toast"></div>
<script>
'use strict';
const $ = (id) => document.getElementById(id);
let state = null, userId = Number(localStorage.getItem('sandbox.user')) || null, chatId = null, shownVersion = -1, shownChat = null;
// Until the person picks a user themselves: open as the sandbox's own user when there is none.
let openDefault = true;
const pendingQueries = new Set();

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'onclick') node.addEventListener('click', v); else if (k === 'className') node.className = v; else node.setAttribute(k, v);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

async function api(action, body) {
  $('error').textContent = '';
  const res = await fetch('/sandbox/api/' + action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) { $('error').textContent = data.error || res.statusText; throw new Error(data.error); }
  await refresh(true);
  return data;
}

function safeUrl(url) {
  try { return ['http:', 'https:', 'tg:'].includes(new URL(url, location.href).protocol); } catch { return false; }
}

// Rebuilds formatting from entities (UTF-16 offsets, like JS strings) with DOM nodes only.
function formatted(text, entities) {
  const frag = document.createDocumentFragment();
  if (!entities || entities.length === 0) { frag.append(text); return frag; }
  const cuts = new Set([0, text.length]);
  for (const e of entities) { cuts.add(e.offset); cuts.add(Math.min(text.length, e.offset + e.length)); }
  const points = [...cuts].sort((a, b) => a - b);
  const tags = { bold: 'b', italic: 'i', underline: 'u', strikethrough: 's', code: 'code', pre: 'code', text_link: 'a', url: 'a' };
  for (let i = 0; i < points.length - 1; i++) {
    const from = points[i], to = points[i + 1];
    let node = document.createTextNode(text.slice(from, to));
    for (const e of entities) {
      if (e.offset > from || e.offset + e.length < to) continue;
      const wrapper = document.createElement(tags[e.type] || 'span');
      wrapper.className = 'e-' + e.type;
      if (wrapper.tagName === 'A') {
        const href = e.type === 'url' ? text.slice(e.offset, e.offset + e.length) : e.url;
        if (safeUrl(href)) { wrapper.href = href; wrapper.target = '_blank'; wrapper.rel = 'noopener noreferrer'; }
      }
      wrapper.append(node);
      node = wrapper;
    }
    frag.append(node);
  }
  return frag;
}

function nameOf(user) { return user ? user.first_name + (user.username ? ' (@' + user.username + ')' : '') : '?'; }

function serviceText(m) {
  if (m.new_chat_members) return m.new_chat_members.map((u) => u.first_name).join(', ') + ' joined';
  if (m.left_chat_member) return m.left_chat_member.first_name + ' left';
  if (m.migrate_to_chat_id) return 'Group upgraded to a supergroup (' + m.migrate_to_chat_id + ')';
  if (m.migrate_from_chat_id) return 'Upgraded from group ' + m.migrate_from_chat_id;
  if (m.successful_payment) return 'Payment of ' + m.successful_payment.total_amount + ' ' + m.successful_payment.currency + ' succeeded';
  return null;
}

function renderMessage({ message: m, fromBot }) {
  const service = serviceText(m);
  if (service !== null) return el('div', { className: 'service' }, service);
  const mine = m.from && m.from.id === userId;
  const box = el('div', { className: 'msg' + (mine ? ' mine' : '') });
  if (!mine) box.append(el('div', { className: 'who' }, fromBot ? state.bot.first_name : nameOf(m.from)));
  if (m.photo) {
    const largest = m.photo[m.photo.length - 1];
    // The largest size up to 800 px is plenty on screen; placeholder photos have no bytes and show as a label.
    const shown = m.photo.filter((p) => Math.max(p.width, p.height) <= 800).pop() || largest;
    const img = el('img', { className: 'photo-img', src: '/sandbox/api/file/' + encodeURIComponent(shown.file_id), alt: 'Photo ' + largest.width + '×' + largest.height,
      title: 'Photo ' + largest.width + '×' + largest.height });
    img.addEventListener('error', () => img.replaceWith(el('span', { className: 'photo' }, 'Photo ' + largest.width + '×' + largest.height)));
    box.append(img);
  }
  if (m.document) {
    const d = m.document;
    if (d.thumbnail) box.append(el('img', { className: 'photo-img', src: '/sandbox/api/file/' + encodeURIComponent(d.thumbnail.file_id), alt: '' }));
    box.append(el('div', { className: 'doc' }, '📎 ' + (d.file_name || 'file') + ' · ' + (d.mime_type || '') + ' · ' + Math.round((d.file_size || 0) / 1024) + ' KB'));
  }
  if (m.text !== undefined) box.append(formatted(m.text, m.entities));
  if (m.caption !== undefined) box.append(formatted(m.caption, m.caption_entities));
  if (m.invoice) {
    box.append(el('div', {}, el('b', {}, m.invoice.title)), el('div', {}, m.invoice.description),
      el('button', { onclick: () => api('pay', { userId, chatId, messageId: m.message_id }) }, 'Pay ' + m.invoice.total_amount + ' ' + m.invoice.currency));
  }
  const keyboard = m.reply_markup && m.reply_markup.inline_keyboard;
  if (keyboard) {
    const kb = el('div', { className: 'kb' });
    for (const row of keyboard) {
      const line = el('div', { className: 'row' });
      for (const b of row) {
        if (b.callback_data !== undefined) {
          line.append(el('button', { onclick: async () => {
            const r = await api('press', { userId, chatId, messageId: m.message_id, data: b.callback_data });
            if (r.queryId) pendingQueries.add(r.queryId);
          } }, b.text));
        } else if (b.url !== undefined && b.url.startsWith('https://t.me/$')) {
          // An invoice link (a Star subscription): paid here with pretend Stars, as the Telegram app would open it.
          line.append(el('button', { onclick: () => api('paylink', { userId, link: b.url }) }, b.text + ' (pretend Stars)'));
        } else if (b.url !== undefined && safeUrl(b.url)) {
          line.append(el('a', { href: b.url, target: '_blank', rel: 'noopener noreferrer' }, b.text));
        } else line.append(el('button', { disabled: 'disabled' }, b.text));
      }
      kb.append(line);
    }
    box.append(kb);
  }
  box.append(el('div', { className: 'meta' }, new Date(m.date * 1000).toLocaleTimeString() + (m.edit_date ? ' · edited' : '')));
  return box;
}

function renderSidebar() {
  // A remembered user is gone after the emulator restarted.
  if (userId && !state.users.some((u) => u.id === userId)) { userId = null; chatId = null; }
  $('webhook').textContent = state.webhook ? 'Webhook: ' + state.webhook : 'No webhook: updates wait for getUpdates';
  const select = $('user');
  select.replaceChildren(el('option', { value: '' }, '— pick —'), ...state.users.map((u) => {
    const option = el('option', { value: String(u.id) }, nameOf(u));
    if (u.id === userId) option.selected = true;
    return option;
  }));
  const chats = $('chats');
  chats.replaceChildren();
  if (!userId) return;
  const me = state.users.find((u) => u.id === userId);
  chats.append(el('button', { className: 'chat' + (chatId === userId ? ' active' : ''), onclick: () => openChat(userId) },
    'Private chat with ' + state.bot.first_name + (me && me.blockedBot ? ' (blocked)' : '')));
  for (const g of state.groups) {
    const member = g.members.find((m) => m.id === userId);
    const status = member ? member.status : 'not a member';
    chats.append(el('button', { className: 'chat' + (chatId === g.id ? ' active' : ''), onclick: () => openChat(g.id) },
      g.title + ' · ' + g.type + ' · you: ' + status + ' · bot: ' + g.botStatus));
  }
}

function renderChat() {
  const group = state.groups.find((g) => g.id === chatId);
  $('title').textContent = chatId === null ? 'Pick a chat' : group ? group.title : 'Private chat with ' + state.bot.first_name;
  const actions = $('actions');
  actions.replaceChildren();
  if (group) {
    const member = group.members.find((m) => m.id === userId);
    const inside = member && ['creator', 'administrator', 'member'].includes(member.status);
    if (!inside) {
      actions.append(el('button', { onclick: () => api('join', { userId, chatId, mode: 'join' }) }, 'Join'),
        el('button', { onclick: () => api('join', { userId, chatId, mode: 'request' }) }, group.joinRequests.includes(userId) ? 'Request pending' : 'Request to join'));
    } else if (member.status !== 'creator') actions.append(el('button', { onclick: () => api('leave', { userId, chatId }) }, 'Leave'));
    for (const [action, label] of [['add', 'Add bot'], ['admin', 'Make bot admin'], ['demote', 'Demote bot'], ['remove', 'Remove bot']]) {
      actions.append(el('button', { onclick: () => api('bot', { chatId, action }) }, label));
    }
  } else if (chatId !== null) {
    const me = state.users.find((u) => u.id === userId);
    actions.append(el('button', { onclick: () => api('block', { userId, blocked: !(me && me.blockedBot) }) }, me && me.blockedBot ? 'Unblock bot' : 'Block bot'));
  }
  const box = $('messages');
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 30;
  box.replaceChildren(...state.messages.map(renderMessage));
  if (atBottom || shownChat !== chatId) box.scrollTop = box.scrollHeight;
  const lastKeyboard = [...state.messages].reverse().find((m) => m.fromBot);
  const replykb = $('replykb');
  replykb.replaceChildren();
  if (lastKeyboard && Array.isArray(lastKeyboard.replyKeyboard)) {
    for (const row of lastKeyboard.replyKeyboard) {
      const line = el('div', { className: 'kb' }, el('div', { className: 'row' }, ...row.map((b) => {
        const text = typeof b === 'string' ? b : b.text;
        return el('button', { onclick: () => send(text) }, text);
      })));
      replykb.append(line);
    }
  }
}

function showAnswers() {
  for (const id of [...pendingQueries]) {
    const answer = state.callbackAnswers[id];
    if (!answer) continue;
    pendingQueries.delete(id);
    if (!answer.text) continue;
    const toast = $('toast');
    toast.textContent = String(answer.text);
    toast.className = answer.show_alert ? 'alert' : '';
    toast.style.display = 'block';
    setTimeout(() => { toast.style.display = 'none'; }, answer.show_alert ? 4000 : 2000);
  }
}

async function refresh(force) {
  const query = chatId === null ? '' : '?chat=' + encodeURIComponent(chatId);
  const res = await fetch('/sandbox/api/state' + query);
  state = await res.json();
  if (openDefault) {
    openDefault = false;
    // Fetched again for that chat's messages.
    if (state.openAs && !state.users.some((u) => u.id === userId)) { userId = state.openAs; chatId = state.openAs; return refresh(true); }
  }
  if (!force && state.version === shownVersion && shownChat === chatId) return;
  renderSidebar();
  renderChat();
  showAnswers();
  shownVersion = state.version;
  shownChat = chatId;
}

function openChat(id) { chatId = id; refresh(true); }

async function send(text) {
  if (!userId || chatId === null || !text) return;
  await api('send', { userId, chatId, text });
}

$('user').addEventListener('change', (e) => {
  userId = Number(e.target.value) || null;
  openDefault = false;
  localStorage.setItem('sandbox.user', String(userId || ''));
  chatId = userId;
  refresh(true);
});
$('newUser').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const { id } = await api('users', { first_name: form.get('first_name') });
  userId = id; chatId = id; localStorage.setItem('sandbox.user', String(id));
  e.target.reset();
  refresh(true);
});
$('newGroup').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!userId) { $('error').textContent = 'Pick a user first: they will own the group.'; return; }
  const form = new FormData(e.target);
  const { id } = await api('groups', { title: form.get('title'), type: form.get('type'), bot: form.get('bot'), userId });
  e.target.reset();
  openChat(id);
});
$('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('text').value;
  $('text').value = '';
  await send(text);
});
$('photo').addEventListener('click', () => {
  if (!userId || chatId === null) return;
  const caption = $('text').value;
  $('text').value = '';
  api('photo', { userId, chatId, caption });
});
$('file').addEventListener('change', (e) => {
  const file = e.target.files && e.target.files[0];
  e.target.value = '';
  if (!file || !userId || chatId === null) return;
  const caption = $('text').value;
  $('text').value = '';
  const reader = new FileReader();
  reader.onload = () => {
    const data = String(reader.result).split(',')[1] || '';
    api('upload', { userId, chatId, caption, fileName: file.name, data, as: $('asFile').checked ? 'document' : 'photo' }).catch(() => {});
  };
  reader.readAsDataURL(file);
});
if (userId) chatId = userId;
refresh(true).catch(() => {});
// Polling every 500 ms is plenty for a person; the version check skips re-rendering when nothing changed.
setInterval(() => refresh(false).catch(() => {}), 500);
</script>
</body>
</html>
`;
