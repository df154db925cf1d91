import type { Queryable } from '../../db/Queryable.js';
import { CAPTION_LIMITS } from './checkCaption.js';

/** A hashtag as Instagram (and checkCaption) counts one: `#` then letters, digits and underscores. */
const TAG = /^#?([\p{L}\p{N}_]+)$/u;

/**
 * Auto hashtags as the user typed them (`#travel #photo`, `travel, photo`): each normalised to
 * `#tag`, repeats (in any case) dropped. `{ invalid }` names the first word that is no hashtag;
 * `{ tooMany }` when there are more than a caption may hold (30), since every caption gets them.
 */
export function parseHashtags(text: string): { tags: string[] } | { invalid: string } | { tooMany: number } {
  const tags: string[] = [];
  for (const word of text.split(/[\s,]+/u).filter(Boolean)) {
    const m = TAG.exec(word);
    if (!m) return { invalid: word };
    const tag = `#${m[1]}`;
    if (!tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
  }
  if (tags.length > CAPTION_LIMITS.hashtags) return { tooMany: tags.length };
  return { tags };
}

/**
 * The caption with the auto hashtags it does not already have added at its end, after a blank
 * line (alone when there is no caption). A tag already in the caption is not repeated, so
 * applying them again gives the same caption.
 */
export function appendHashtags(caption: string, tags: readonly string[]): { caption: string; added: number } {
  const present = new Set((caption.match(/#[\p{L}\p{N}_]+/gu) ?? []).map((t) => t.toLowerCase()));
  const missing = tags.filter((t) => !present.has(t.toLowerCase()));
  if (missing.length === 0) return { caption, added: 0 };
  const tail = missing.join(' ');
  return { caption: caption.trim() === '' ? tail : `${caption.trimEnd()}\n\n${tail}`, added: missing.length };
}

/** The user's auto hashtags ([] none). */
export async function readAutoHashtags(sql: Queryable, userId: number): Promise<string[]> {
  const [row] = await sql<{ auto_hashtags: string }[]>`select auto_hashtags from users where id = ${userId}`;
  return row?.auto_hashtags ? row.auto_hashtags.split(' ') : [];
}

/** Saves them (already parsed; [] removes them). False if the user is not registered. */
export async function saveAutoHashtags(sql: Queryable, userId: number, tags: readonly string[]): Promise<boolean> {
  return (await sql`update users set auto_hashtags = ${tags.join(' ')}, updated_at = now() where id = ${userId} returning id`).length > 0;
}
