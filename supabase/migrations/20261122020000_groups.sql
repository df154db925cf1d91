-- Groups: the groups the bot is in and the admins linked to them, join requests, and
-- broadcasts (the plan, one delivery row per recipient, the messages sent, the send slots
-- that keep every worker replica within Telegram's limits).
--
-- As in the backbone: row level security on, no policy; our code connects as the owner.

alter table users
  -- Bot operators besides ADMIN_TELEGRAM_IDS: may start broadcasts.
  add column is_admin          boolean not null default false,
  -- Set when a send failed with "bot was blocked by the user" (or the user blocked the bot:
  -- my_chat_member), cleared when they unblock it. User broadcasts skip these users.
  add column unreachable_since timestamptz;

-- One row per group, supergroup or channel the bot has been in. Keyed by a surrogate id so
-- that an upgrade to a supergroup (a new chat id) keeps the row and everything linked to it.
create table groups (
  id                   bigint generated always as identity primary key,
  chat_id              bigint not null unique,
  title                text not null default '',
  type                 text not null check (type in ('group', 'supergroup', 'channel')),
  -- The bot's own membership as my_chat_member last reported it, and its admin rights.
  bot_status           text not null check (bot_status in ('creator', 'administrator', 'member', 'restricted', 'left', 'kicked')),
  bot_rights           jsonb not null default '{}',
  -- /init: the user who registered the group; Telegram confirmed they are its admin.
  admin_user_id        bigint references users (id) on delete set null,
  registered_at        timestamptz,
  -- /activate by the linked admin. Cleared (with the reason) when the bot is removed or
  -- demoted, or a broadcast finds the group gone. Active groups get join requests approved
  -- and broadcasts; their admin has unlimited points.
  active               boolean not null default false,
  activated_at         timestamptz,
  deactivated_at       timestamptz,
  deactivated_reason   text,
  -- Greet approved joiners in a DM (through the request's user_chat_id). Off by default.
  greet_joiners        boolean not null default false,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  check (not active or admin_user_id is not null)
);
alter table groups enable row level security;
create index groups_admin_user_id_idx on groups (admin_user_id) where admin_user_id is not null;
create index groups_active_idx on groups (id) where active;

-- Every chat_join_request, once per (chat, user, request time): Telegram may deliver an
-- update twice, and a user may ask again later (a new row). No foreign keys: the log keeps
-- what Telegram sent even for chats or users we never registered.
create table join_requests (
  id              bigint generated always as identity primary key,
  chat_id         bigint not null,
  user_id         bigint not null,
  -- The private chat Telegram opens for 5 minutes so that the bot may greet the requester.
  user_chat_id    bigint,
  invite_link     text,
  requested_at    timestamptz not null,
  -- pending: not decided yet; approved; already_handled: Telegram said HIDE_REQUESTER_MISSING
  -- or USER_ALREADY_PARTICIPANT (someone else handled it); ignored: the group is not active;
  -- failed: another error, in `error`.
  outcome         text not null default 'pending' check (outcome in ('pending', 'approved', 'already_handled', 'ignored', 'failed')),
  error           text,
  greeted         boolean not null default false,
  handled_at      timestamptz,
  created_at      timestamptz not null default now(),
  unique (chat_id, user_id, requested_at)
);
alter table join_requests enable row level security;
create index join_requests_chat_idx on join_requests (chat_id, id);

-- A broadcast from draft to report. The admin composes it in a DM (draft), confirms
-- (running: deliveries and their jobs are created in the same transaction), and it ends
-- finished or cancelled.
create table broadcasts (
  id                  bigint generated always as identity primary key,
  admin_user_id       bigint not null,
  -- Where the progress message lives (the admin's DM) and its id once sent.
  admin_chat_id       bigint not null,
  progress_message_id bigint,
  admin_locale        text not null default 'en',
  audience            text check (audience in ('groups', 'users')),
  text                text,
  -- The admin's formatting, kept as Telegram's entities so that the copy looks the same.
  entities            jsonb,
  photo_file_id       text,
  state               text not null default 'draft' check (state in ('draft', 'running', 'finished', 'cancelled')),
  created_at          timestamptz not null default now(),
  started_at          timestamptz,
  finished_at         timestamptz
);
alter table broadcasts enable row level security;
create index broadcasts_admin_draft_idx on broadcasts (admin_user_id) where state = 'draft';

-- One row per recipient, written with the broadcast's jobs in one transaction.
--   pending → sending (committed BEFORE the Bot API call) → sent | failed
--   sending found by a later run of the job (the worker died mid-call) → unknown: Telegram
--   has no idempotency key, so the message may or may not be there; it is never resent.
--   pending → cancelled when the admin cancels.
create table broadcast_deliveries (
  id             bigint generated always as identity primary key,
  broadcast_id   bigint not null references broadcasts (id) on delete cascade,
  -- The recipient: a group's chat id (updated when it migrates) or a user's id.
  chat_id        bigint not null,
  state          text not null default 'pending' check (state in ('pending', 'sending', 'sent', 'failed', 'unknown', 'cancelled')),
  -- The short code appended to the message ("#b00a3f"), to find this row from a screenshot.
  debug_code     text not null,
  message_id     bigint,
  -- Why it failed, as a stable reason (bot_kicked, chat_not_found, blocked, …) for the report.
  failure_reason text,
  error          text,
  attempts       integer not null default 0,
  updated_at     timestamptz not null default now(),
  unique (broadcast_id, chat_id)
);
alter table broadcast_deliveries enable row level security;
create index broadcast_deliveries_state_idx on broadcast_deliveries (broadcast_id, state);

-- Every message a broadcast put into Telegram (the plan's sent_messages): chat, message id
-- and debug code. Written in the same statement that marks the delivery sent.
create table sent_messages (
  id            bigint generated always as identity primary key,
  chat_id       bigint not null,
  message_id    bigint not null,
  debug_code    text not null unique,
  broadcast_id  bigint references broadcasts (id) on delete set null,
  delivery_id   bigint references broadcast_deliveries (id) on delete set null,
  sent_at       timestamptz not null default now()
);
alter table sent_messages enable row level security;

-- Send slots shared by every worker replica: 'global' for the broadcast rate, 'chat:<id>'
-- for the per-group limit. A sender reserves the next slot with one atomic update
-- (next_at = greatest(next_at, now) + interval) and sleeps until it; a 429 pushes 'global'
-- forward by retry_after, slowing every broadcast at once.
create table send_slots (
  key      text primary key,
  next_at  timestamptz not null
);
alter table send_slots enable row level security;
