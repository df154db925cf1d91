-- A join request from a user the bot's operators banned: the bot neither greets nor approves
-- it, and leaves it pending in Telegram for the group's own admins to decide (docs/GROUPS.md,
-- "Join requests"). Its own outcome, so the log tells it apart from a request left because the
-- group was not active.
alter table join_requests drop constraint join_requests_outcome_check;
alter table join_requests add constraint join_requests_outcome_check
  check (outcome in ('pending', 'approved', 'already_handled', 'ignored', 'requester_banned', 'failed'));
