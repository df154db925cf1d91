import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import type { Limit } from '../plans/plans.js';

// The `caption_templates` table's queries: a user's saved captions, chosen at /post's caption step.

export interface CaptionTemplateRow {
  id: number;
  name: string;
  body: string;
}

/** A template's name: what its button shows (the table allows 1–64 characters). */
export const TEMPLATE_NAME_MAX = 64;

/** A user's templates, oldest first (the order they were added, as their buttons show them). */
export async function readTemplates(sql: Queryable, userId: number): Promise<CaptionTemplateRow[]> {
  return sql<CaptionTemplateRow[]>`select id, name, body from caption_templates where user_id = ${userId} order by id`;
}

/** One template of a user (undefined if not theirs or deleted). */
export async function readTemplate(sql: Queryable, userId: number, id: number): Promise<CaptionTemplateRow | undefined> {
  const [row] = await sql<CaptionTemplateRow[]>`select id, name, body from caption_templates where id = ${id} and user_id = ${userId}`;
  return row;
}

/** How many templates a user has. */
export async function countTemplates(sql: Queryable, userId: number): Promise<number> {
  const [row] = await sql<{ count: number }[]>`select count(*)::int as count from caption_templates where user_id = ${userId}`;
  return row?.count ?? 0;
}

/**
 * Saves a template, within the plan's `limit` (null: none). The user's row is locked first, so
 * two saves at once cannot both take the last place. Refused when the name is taken. Templates
 * beyond a lower plan's limit (after a downgrade) stay and keep working: only adding is refused.
 */
export async function addTemplate(sql: Queryable, userId: number, template: { name: string; body: string }, limit: Limit):
  Promise<{ status: 'added'; id: number } | { status: 'limit'; count: number } | { status: 'exists' }> {
  return atomically(sql, async (tx) => {
    await tx`select id from users where id = ${userId} for update`;
    const count = await countTemplates(tx, userId);
    const [taken] = await tx`select 1 from caption_templates where user_id = ${userId} and name = ${template.name}`;
    if (taken) return { status: 'exists' as const };
    if (limit !== null && count >= limit) return { status: 'limit' as const, count };
    const [row] = await tx<{ id: number }[]>`
      insert into caption_templates (user_id, name, body) values (${userId}, ${template.name}, ${template.body}) returning id`;
    return { status: 'added' as const, id: row!.id };
  });
}

/** Deletes a template; its name, or undefined when it was not there (deleted already). */
export async function deleteTemplate(sql: Queryable, userId: number, id: number): Promise<string | undefined> {
  const [row] = await sql<{ name: string }[]>`delete from caption_templates where id = ${id} and user_id = ${userId} returning name`;
  return row?.name;
}
