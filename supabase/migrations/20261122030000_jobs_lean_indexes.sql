-- Fewer index writes per job.
--
-- Every claim writes a new version of the row, and so an entry in every index whose predicate
-- the new version matches. The dedupe key's unique constraint indexed every row, although
-- almost no job has a key (NULLs are indexed too). A partial unique index gives the same
-- guarantee for the rows that have one, and `enqueue` names its predicate in ON CONFLICT.
alter table jobs drop constraint jobs_dedupe_key_key;
create unique index jobs_dedupe_key_idx on jobs (dedupe_key) where dedupe_key is not null;
