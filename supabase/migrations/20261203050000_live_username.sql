-- The live list's username is the one a user shows on /live (the growth bot), not one of the
-- Instagram business accounts InstaPost publishes with (instagram_accounts): named apart so the
-- two never collide in code, tables or texts.
alter table users rename column instagram_username to live_username;
alter table users rename constraint users_instagram_username_check to users_live_username_check;
alter table live_sessions rename column instagram_username to live_username;
