import type { MessageEntity } from 'grammy/types';
import { badRequest } from './apiErrors.js';
import type { TelegramApiError } from './TelegramApiError.js';

/** Text with its formatting entities, as Telegram stores a formatted message. */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

const SIMPLE_TAGS: Record<string, MessageEntity['type']> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler',
  code: 'code', pre: 'pre', blockquote: 'blockquote', a: 'text_link', span: 'spoiler', 'tg-emoji': 'custom_emoji',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  name: string;
  offset: number;
  attributes: Record<string, string>;
}

/**
 * Parses text sent with `parse_mode: "HTML"` the way Telegram does: only Telegram's tags,
 * only the four named character entities (`&lt; &gt; &amp; &quot;`) plus numeric ones.
 * Malformed markup fails with Telegram's "can't parse entities" 400, which is what a bot
 * gets in production when it forgets to escape a user's name.
 */
export function parseHtml(html: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < html.length) {
    const ch = html[i] ?? '';
    if (ch === '&') {
      // TDLib decodes a known name or a number with or without the ';'; anything else stays literal.
      const match = /^&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z0-9]+);?/.exec(html.slice(i, i + 16));
      const decoded = match?.[1] === undefined ? undefined : decodeEntity(match[1]);
      if (match !== null && decoded !== undefined) {
        text += decoded;
        i += match[0].length;
        continue;
      }
      text += ch;
      i++;
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }
    const end = html.indexOf('>', i);
    const inner = end === -1 ? html.slice(i + 1) : html.slice(i + 1, end);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (open === undefined) {
        throw cantParse(`Unexpected end tag at byte offset ${byteOffset(html, i)}`);
      }
      if (end === -1) throw cantParse(`Unclosed end tag at byte offset ${byteOffset(html, i)}`);
      // "</>" closes whatever tag is open (MessageEntity.cpp parse_html).
      if (name !== '' && open.name !== name) {
        throw cantParse(`Unmatched end tag at byte offset ${byteOffset(html, i)}, expected "</${open.name}>", found "</${name}>"`);
      }
      const entity = toEntity(open, text.length - open.offset, stack);
      if (entity !== undefined && entity.length > 0) entities.push(entity);
    } else {
      if (end === -1) throw cantParse(`Unclosed start tag at byte offset ${byteOffset(html, i)}`);
      const nameMatch = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(inner);
      const name = nameMatch?.[1]?.toLowerCase() ?? '';
      if (!(name in SIMPLE_TAGS)) throw cantParse(`Unsupported start tag "${name}" at byte offset ${byteOffset(html, i)}`);
      const attributes = parseAttributes(inner.slice(name.length), html, i + 1 + name.length);
      if (name === 'span' && attributes.class !== 'tg-spoiler') {
        throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(html, i)}`);
      }
      stack.push({ name, offset: text.length, attributes });
    }
    i = end + 1;
  }
  const unclosed = stack.pop();
  if (unclosed !== undefined) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text, entities: sortEntities(entities) };
}

function toEntity(open: OpenTag, length: number, outer: OpenTag[]): MessageEntity | undefined {
  const type = SIMPLE_TAGS[open.name];
  const base = { offset: open.offset, length };
  switch (type) {
    case 'text_link': {
      const href = checkedLink(open.attributes.href ?? '');
      // Telegram drops links without a usable URL and keeps the text (get_checked_link).
      return href === undefined ? undefined : { ...base, type, url: href };
    }
    case 'custom_emoji':
      return { ...base, type, custom_emoji_id: open.attributes['emoji-id'] ?? '' };
    case 'code': {
      // <pre><code class="language-x"> is how a pre block gets its language; the inner
      // code tag then adds no entity of its own.
      const parent = outer[outer.length - 1];
      if (parent?.name === 'pre') {
        const language = /^language-(.+)$/.exec(open.attributes.class ?? '')?.[1];
        if (language !== undefined) parent.attributes['data-language'] = language;
        return undefined;
      }
      return { ...base, type };
    }
    case 'pre': {
      const language = open.attributes['data-language'];
      return language === undefined ? { ...base, type } : { ...base, type, language };
    }
    case 'blockquote':
      return 'expandable' in open.attributes ? { ...base, type: 'expandable_blockquote' } : { ...base, type };
    case undefined:
      return undefined;
    default:
      return { ...base, type } as MessageEntity;
  }
}

/**
 * A tag's attributes. An unquoted value must be a name token (letters, digits, '.', '-'),
 * followed by a space or the tag's end, as in TDLib: `href=https://…` fails at the ':'.
 */
function parseAttributes(source: string, html: string, sourceStart: number): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/g)) {
    const name = (match[1] ?? '').toLowerCase();
    const unquoted = match[4];
    if (unquoted !== undefined && !/^[A-Za-z0-9.-]+$/.test(unquoted)) {
      const tokenStart = sourceStart + (match.index ?? 0) + match[0].length - unquoted.length;
      throw cantParse(`Unexpected end of name token at byte offset ${byteOffset(html, tokenStart)}`);
    }
    attributes[name] = unquoted === undefined ? decodeAll(match[2] ?? match[3] ?? '') : unquoted.toLowerCase();
  }
  return attributes;
}

/**
 * The URL a text link keeps, or undefined when TDLib drops it: not a URL, or a web address
 * whose host has no dot. Scheme-less links get "http://"; tg:// and ton:// links are kept.
 */
export function checkedLink(href: string): string | undefined {
  const trimmed = href.trim();
  if (trimmed === '') return undefined;
  if (/^(tg|ton):\/\//i.test(trimmed)) return trimmed;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (!url.hostname.includes('.') || url.hostname.endsWith('.')) return undefined;
    // TDLib returns the link normalised (HttpUrl::get_url): an empty path becomes "/".
    return url.href;
  } catch {
    return undefined;
  }
}

function decodeAll(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z0-9]+);?/g, (all, body: string) => decodeEntity(body) ?? all);
}

/** A character reference's text, or undefined to keep it literal (unknown names, code points past U+10FFFF, zero). */
function decodeEntity(body: string): string | undefined {
  if (body.startsWith('#')) {
    const code = body.startsWith('#x') ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    return Number.isSafeInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED_ENTITIES[body];
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

function cantParse(reason: string): TelegramApiError {
  return badRequest(`can't parse entities: ${reason}`);
}

/** Telegram lists entities by offset, an outer entity before the inner one starting at the same place. */
export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}
