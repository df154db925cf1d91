import type { MessageEntity } from 'grammy/types';
import type { ApiParams } from './ApiParams.js';
import { badRequest } from './apiErrors.js';
import { parseHtml, sortEntities, type FormattedText } from './parseHtml.js';
import { parseMarkdownV2 } from './parseMarkdownV2.js';

/**
 * Turns a text parameter and its formatting parameters into what Telegram stores: parsed per
 * `parse_mode` (HTML and MarkdownV2 parsed, legacy Markdown kept as is) or taken with explicit
 * `entities`, then trimmed of surrounding whitespace as Telegram does.
 *
 * @param field `text` or `caption`; the entities parameter is `entities` or `caption_entities`.
 */
export function formatText(raw: string, params: ApiParams, field: 'text' | 'caption'): FormattedText {
  const parseMode = params.optionalString('parse_mode');
  const explicit = params.json<MessageEntity[]>(field === 'text' ? 'entities' : 'caption_entities');
  let formatted: FormattedText;
  if (explicit !== undefined) formatted = { text: raw, entities: sortEntities(explicit) };
  else if (parseMode === undefined || parseMode === '') formatted = { text: raw, entities: [] };
  else if (parseMode.toLowerCase() === 'html') formatted = parseHtml(raw);
  else if (parseMode.toLowerCase() === 'markdownv2') formatted = parseMarkdownV2(raw);
  else if (parseMode.toLowerCase() === 'markdown') formatted = { text: raw, entities: [] };
  else throw badRequest(`unsupported parse_mode`);
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
