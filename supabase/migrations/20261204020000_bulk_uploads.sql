-- Bulk upload (/bulk, seed 004 §4.1: Pro 10 images, Business and F&F 50): a session collects
-- photos, the user picks one caption, and confirming makes each photo its own single-image
-- post in the next free posting slots. The photos wait here, not as draft posts: /post
-- cancels a user's drafts when it starts, and a draft post holds no plan's unit anyway.
--
-- As everywhere: row level security on, no policy; our code connects as the owner.
create table bulk_uploads (
  id               bigint generated always as identity primary key,
  user_id          bigint not null references users (id) on delete cascade,
  account_id       bigint references instagram_accounts (id) on delete set null,
  -- collecting → scheduled (once: the confirm's conditional update is the guard against a
  -- double press) or cancelled (Cancel, a new /bulk, or the account disconnected).
  state            text not null default 'collecting' check (state in ('collecting', 'scheduled', 'cancelled')),
  -- While collecting: what the next message or button answers. `confirm` only once the user
  -- saw how many posts fit; a photo added after that sets it back to `images`.
  step             text not null default 'images' check (step in ('images', 'caption', 'confirm')),
  -- The one caption every post gets (auto hashtags included once chosen); '' none.
  caption          text not null default '',
  -- The album (or '' for a single photo) already told that the upload is full: an album of
  -- ten going over the limit gets one answer, not ten.
  full_told_group  text,
  expires_at       timestamptz not null,
  confirmed_at     timestamptz,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
alter table bulk_uploads enable row level security;
-- One open session per user: a new /bulk cancels the old one first.
create unique index bulk_uploads_open_idx on bulk_uploads (user_id) where state = 'collecting';

create table bulk_upload_images (
  bulk_upload_id   bigint not null references bulk_uploads (id) on delete cascade,
  -- 1-based, in the order received: the order the posts take the slots. The plan's limit is
  -- checked in code (plans.ts), so a bigger limit needs no migration.
  position         smallint not null check (position >= 1),
  telegram_file_id text not null,
  -- A redelivered photo (or the same photo sent twice) is kept once.
  file_unique_id   text not null,
  source_format    text not null,
  width            integer not null,
  height           integer not null,
  -- What preparing it for Instagram does (converted, resized, padded…), as shown when received.
  changes          text[] not null default '{}',
  -- The post it became at confirm; null before, or when it was not created (`not_created`).
  post_id          bigint references posts (id) on delete set null,
  -- Why confirming did not make it a post: the plan's posts per month, its queue, no free
  -- posting slot, or past the plan's bulk size (a downgrade while collecting).
  not_created      text check (not_created in ('posts', 'queue', 'slots', 'bulk')),
  primary key (bulk_upload_id, position),
  unique (bulk_upload_id, file_unique_id)
);
alter table bulk_upload_images enable row level security;
