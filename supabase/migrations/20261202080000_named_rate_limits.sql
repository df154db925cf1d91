-- Named rate limits: besides the command limit, each action a module limits on its own counts
-- separately (button presses; InstaPost's post_create, image_upload, account_connect, the
-- seed's §8.2), so an album of ten photos cannot use up a user's commands. One row per user and
-- action, the same sliding log as before. Existing rows are the command limit's.
alter table rate_limits add column action text not null default 'commands';
alter table rate_limits drop constraint rate_limits_pkey, add primary key (user_id, action);
alter table rate_limits alter column action drop default;
