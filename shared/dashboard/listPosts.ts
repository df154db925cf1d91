import type { Queryable } from '../db/Queryable.js';

/** A post with what its timeline shows: the steps' times, Graph ids, errors, and its publish job. */
export interface PostListRow {
  id: number;
  user_id: number;
  account: string | null;
  state: string;
  caption: string | null;
  images: number;
  created_at: Date;
  scheduled_at: Date | null;
  reminded_at: Date | null;
  container_id: string | null;
  child_containers: string[];
  media_id: string | null;
  permalink: string | null;
  published_at: Date | null;
  notified_at: Date | null;
  error_reason: string | null;
  error_image: number | null;
  updated_at: Date;
  /** The latest publish job still in the queue (waiting, running or dead) and its last error. */
  job_state: string | null;
  job_attempts: number | null;
  job_error: string | null;
}

/** Posts past the draft, in a state or all, most recently changed first. */
export async function listPosts(sql: Queryable, state: string | undefined, limit: number): Promise<PostListRow[]> {
  return [...await sql<PostListRow[]>`
    select p.id, p.user_id, a.username as account, p.state, left(p.caption, 200) as caption,
      (select count(*) from post_images i where i.post_id = p.id)::int as images,
      p.created_at, p.scheduled_at, p.reminded_at, p.container_id,
      coalesce((select array_agg(i.container_id order by i.position) from post_images i where i.post_id = p.id and i.container_id is not null), '{}') as child_containers,
      p.media_id, p.permalink, p.published_at, p.notified_at, p.error_reason, p.error_image, p.updated_at,
      j.state as job_state, j.attempts as job_attempts, j.last_error as job_error
    from posts p
    left join instagram_accounts a on a.id = p.account_id
    left join lateral (
      select state, attempts, last_error from jobs
      where type = 'instapost_publish' and (payload->>'postId')::bigint = p.id order by id desc limit 1
    ) j on true
    where p.state <> 'draft' ${state ? sql`and p.state = ${state}` : sql``}
    order by p.updated_at desc, p.id desc limit ${limit}`];
}
