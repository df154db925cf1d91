-- How far the daily reconciliation has read the bot's Star transactions (getStarTransactions:
-- chronological, addressed by offset), so that it reads from there on instead of every
-- transaction every day. One row. The next run starts at `start_offset` (the first
-- transaction of the last window_days read, re-read on purpose: docs/PAYMENTS.md) and first
-- checks that the transaction found there is still `anchor`; if not, the list changed before
-- the window and the run reads everything from offset 0.
create table star_transaction_cursor (
  id           boolean primary key default true check (id),
  start_offset integer not null check (start_offset >= 0),
  -- The transaction at start_offset as `<id>:<in|out>:<date>:<amount>`.
  anchor       text not null,
  -- The newest transaction's date read so far (the window is counted back from it).
  newest_at    timestamptz not null,
  -- Transactions Telegram listed at the last run (offset of the last one + 1).
  seen         integer not null check (seen >= 0),
  updated_at   timestamptz not null default now()
);
alter table star_transaction_cursor enable row level security;
