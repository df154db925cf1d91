import type { MessageEntity } from 'grammy/types';
import type { ApiParams } from './ApiParams.js';
import { badRequest } from './apiErrors.js';
import { parseHtml, sortEntities, type FormattedText } from './parseHtml.js';
import { parseMarkdown } from './parseMarkdown.js';
import { parseMarkdownV2 } from './parseMarkdownV2.js';
import { readExplicitEntities } from './readExplicitEntities.js';

/**
 * Turns a text parameter and its formatting parameters into what Telegram stores: parsed per
 * `parse_mode` (HTML, MarkdownV2 and legacy Markdown), which wins over explicit `entities`
 * (Client.cpp:11314-11333: a parse_mode other than empty or "none" ignores them), then trimmed
 * of surrounding whitespace as Telegram does.
 *
 * @param field `text` or `caption`; the entities parameter is `entities` or `caption_entities`.
 */
export function formatText(raw: string, params: ApiParams, field: 'text' | 'caption'): FormattedText {
  const parseMode = params.optionalString('parse_mode');
  const explicitParam = params.json<unknown>(field === 'text' ? 'entities' : 'caption_entities');
  const mode = (parseMode ?? '').toLowerCase();
  let formatted: FormattedText;
  if (mode === 'html') formatted = parseHtml(raw);
  else if (mode === 'markdownv2') formatted = parseMarkdownV2(raw);
  else if (mode === 'markdown') formatted = parseMarkdown(raw);
  else if (mode !== '' && mode !== 'none') throw badRequest('unsupported parse_mode');
  else {
    // Read (and refused when malformed) only without a parse_mode, as on the server.
    const explicit = readExplicitEntities(explicitParam);
    formatted = { text: raw, entities: explicit === undefined ? [] : sortEntities(explicit) };
  }
  return trim(formatted);
}

function trim({ text, entities }: FormattedText): FormattedText {
  const start = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const end = start + trimmed.length;
  const kept: MessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) kept.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: trimmed, entities: kept };
}
