-- Posts set aside when a plan ends (issue 13: "posts beyond the Free queue stay, flagged, until
-- the user chooses"). When a user lands on a plan whose queue is smaller than what they have
-- scheduled, the earliest-due posts that fit stay in the queue and the rest get `flagged_at`.
-- A flagged post keeps its state ('scheduled' or 'paused') and its time, but is not published:
-- the publish job's claim (the statement that moves it to 'publishing') requires flagged_at to be
-- null, so the flag and the claim are ordered by the row's lock and a post is either claimed or
-- set aside, never both. A post already 'publishing' (perhaps past media_publish) is never
-- flagged. The flag is cleared when the user keeps the post (/queue, the notice's buttons) or a
-- paid plan with room is granted; deleting it cancels it.
alter table posts add column flagged_at timestamptz;

-- "Which of this user's posts are set aside?": the notice, /queue and the keep/delete buttons.
create index posts_flagged_idx on posts (user_id, scheduled_at) where flagged_at is not null;
