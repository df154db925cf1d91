-- InstaPost: connected Instagram accounts, posts and their images, weekly posting slots,
-- caption templates, and the users' time zone and reminder setting.
--
-- As in the backbone: row level security on, no policy; our code connects as the owner.

-- Every date the bot shows or reads is in the user's IANA zone; slots are local times in it,
-- so a slot stays at 09:00 across a daylight-saving change (Postiz #1954 kept UTC minutes).
alter table users
  add column time_zone                text not null default 'UTC',
  -- The reminder before a scheduled post (the seed's notification_time_before); 0 turns it off.
  add column notify_before_minutes    integer not null default 15 check (notify_before_minutes between 0 and 1440);

create table instagram_accounts (
  id                    bigint generated always as identity primary key,
  user_id               bigint not null references users (id) on delete cascade,
  -- Graph ids exceed 2^53: text, never a number.
  ig_user_id            text not null check (ig_user_id ~ '^[0-9]+$'),
  page_id               text not null check (page_id ~ '^[0-9]+$'),
  username              text not null,
  followers_count       integer,
  -- The Page access token, AES-256-GCM with a key id (secretCipher.ts); never in plain text.
  page_token_encrypted  text not null check (page_token_encrypted like 'v1:%'),
  is_default            boolean not null default false,
  -- Graph rejected the token (190, or OAuthException without subcode): /account connects it again.
  needs_reconnect       boolean not null default false,
  -- When the user was told about it: told once, not by every post that meets it.
  reconnect_notified_at timestamptz,
  connected_at          timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  unique (user_id, ig_user_id)
);
alter table instagram_accounts enable row level security;
create unique index instagram_accounts_one_default_idx on instagram_accounts (user_id) where is_default;

-- A post from its draft to its outcome. Publishing is bracketed by records: container_id is
-- written before media_publish, media_id the moment it answers, so a retry after any crash
-- reads the container first and never publishes twice.
create table posts (
  id              bigint generated always as identity primary key,
  user_id         bigint not null references users (id) on delete cascade,
  account_id      bigint references instagram_accounts (id) on delete set null,
  state           text not null default 'draft'
                  check (state in ('draft', 'scheduled', 'publishing', 'published', 'failed', 'cancelled')),
  -- The step of the /post conversation while a draft: what the next message or button answers.
  draft_step      text,
  media_group_id  text,
  caption         text not null default '',
  alt_text        text not null default '',
  fit             text not null default 'pad' check (fit in ('pad', 'crop')),
  scheduled_at    timestamptz,
  -- Bumped by every reschedule, "Post now" and cancel; a publish job carries the version it was
  -- made for and does nothing when the post has moved on, so a reschedule racing the
  -- scheduled run, or "Post now" tapped twice, still gives one post.
  version         integer not null default 1,
  container_id    text check (container_id ~ '^[0-9]+$'),
  media_id        text check (media_id ~ '^[0-9]+$'),
  permalink       text,
  error_reason    text,
  -- Which image failed (1-based), for a carousel.
  error_image     smallint,
  draft_expires_at timestamptz,
  reminded_at     timestamptz,
  published_at    timestamptz,
  notified_at     timestamptz,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);
alter table posts enable row level security;
create index posts_user_state_idx on posts (user_id, state, scheduled_at);
create index posts_due_idx on posts (scheduled_at) where state = 'scheduled';
-- One draft per album: Telegram sends an album as one message per photo.
create unique index posts_media_group_idx on posts (user_id, media_group_id) where media_group_id is not null;

create table post_images (
  post_id          bigint not null references posts (id) on delete cascade,
  -- 1-based order in the carousel.
  position         smallint not null check (position between 1 and 10),
  telegram_file_id text not null,
  file_unique_id   text not null,
  source_format    text,
  width            integer,
  height           integer,
  -- The Dropbox copy Instagram fetches; deleted after 7 days (dropbox_deleted_at).
  dropbox_path     text,
  uploaded_at      timestamptz,
  dropbox_deleted_at timestamptz,
  -- A carousel child's container, written before the parent is created.
  container_id     text check (container_id ~ '^[0-9]+$'),
  primary key (post_id, position),
  unique (post_id, file_unique_id)
);
alter table post_images enable row level security;
create index post_images_retention_idx on post_images (uploaded_at) where dropbox_path is not null and dropbox_deleted_at is null;

-- Weekly slots in the user's zone: ISO weekday (1 Monday … 7 Sunday) and the local time as
-- minutes after midnight (a number, not `time`: the slot is turned into an instant in JavaScript
-- with the zone's rules, never by the database's session zone).
create table posting_slots (
  id          bigint generated always as identity primary key,
  user_id     bigint not null references users (id) on delete cascade,
  weekday     smallint not null check (weekday between 1 and 7),
  local_minute smallint not null check (local_minute between 0 and 1439),
  unique (user_id, weekday, local_minute)
);
alter table posting_slots enable row level security;

create table caption_templates (
  id          bigint generated always as identity primary key,
  user_id     bigint not null references users (id) on delete cascade,
  name        text not null check (length(name) between 1 and 64),
  body        text not null,
  created_at  timestamptz not null default now(),
  unique (user_id, name)
);
alter table caption_templates enable row level security;
