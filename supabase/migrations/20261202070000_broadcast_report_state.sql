-- The broadcast report, bracketed by records like every copy: `report_state` is set to
-- 'sending' (committed) before the report's Bot API call and to 'sent' right after, with
-- `finished_at`. Before, the broadcast was marked reported first, so a send that failed left it
-- "finished" with no report and the retry found nothing to do. A run that finds 'sending'
-- (its predecessor died mid-call, or got an answer that may have been delivered) records
-- 'unknown' and does not send a second report.
alter table broadcasts
  add column report_state text check (report_state in ('sending', 'sent', 'unknown'));
