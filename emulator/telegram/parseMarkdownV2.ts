import type { MessageEntity } from 'grammy/types';
import { badRequest } from './apiErrors.js';
import { checkedLink, sortEntities, type FormattedText } from './parseHtml.js';
import type { TelegramApiError } from './TelegramApiError.js';

// Outside entities every one of these must be escaped with "\" (core.telegram.org/bots/api#markdownv2-style).
// Forgetting to escape the "." or "-" in user-provided text is the classic MarkdownV2 bug,
// and Telegram rejects the whole message for it, so the emulator must too.
const RESERVED = new Set('_*[]()~`>#+-=|{}.!');

type Toggle = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler';
const ENTITY_NAME: Record<Toggle | 'text_link', string> = {
  bold: 'Bold', italic: 'Italic', underline: 'Underline', strikethrough: 'Strikethrough', spoiler: 'Spoiler',
  text_link: 'TextUrl',
};

interface Open {
  type: Toggle | 'text_link';
  offset: number;
  sourceIndex: number;
}

/**
 * Parses text sent with `parse_mode: "MarkdownV2"` into text and entities, with Telegram's
 * errors for reserved characters and unclosed entities. Supports bold, italic, underline,
 * strikethrough, spoiler, inline links, code, pre (with language) and `>` block quotes.
 */
export function parseMarkdownV2(source: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let quoteStart: number | undefined;
  let i = 0;
  const toggle = (type: Toggle, width: number): void => {
    const top = stack[stack.length - 1];
    if (top?.type === type) {
      stack.pop();
      if (text.length > top.offset) entities.push({ type, offset: top.offset, length: text.length - top.offset });
    } else {
      stack.push({ type, offset: text.length, sourceIndex: i });
    }
    i += width;
  };
  while (i < source.length) {
    const ch = source[i] ?? '';
    const atLineStart = i === 0 || source[i - 1] === '\n';
    if (atLineStart && ch === '>') {
      quoteStart ??= text.length;
      i++;
      continue;
    }
    if (ch === '\n' && quoteStart !== undefined && source[i + 1] !== '>') {
      entities.push({ type: 'blockquote', offset: quoteStart, length: text.length - quoteStart });
      quoteStart = undefined;
    }
    if (ch === '\\') {
      // Only an ASCII character can be escaped; before anything else (or at the end) the
      // backslash is a literal one (TDLib's do_parse_markdown_v2: text[i + 1] in 1..126).
      const next = source[i + 1];
      if (next === undefined || next.charCodeAt(0) > 126) {
        text += ch;
        i++;
      } else {
        text += next;
        i += 2;
      }
    } else if (ch === '`') {
      i = readCode(source, i, text.length, entities, (chunk) => (text += chunk));
    } else if (ch === '*') {
      toggle('bold', 1);
    } else if (ch === '_') {
      if (source[i + 1] === '_') toggle('underline', 2);
      else toggle('italic', 1);
    } else if (ch === '~') {
      toggle('strikethrough', 1);
    } else if (ch === '|' && source[i + 1] === '|') {
      toggle('spoiler', 2);
    } else if (ch === '[') {
      stack.push({ type: 'text_link', offset: text.length, sourceIndex: i });
      i++;
    } else if (ch === ']' && stack[stack.length - 1]?.type === 'text_link') {
      // `[text](url)`, or `[text]` alone, whose text is the URL. A URL TDLib's check_url refuses
      // drops the link and keeps the text.
      const open = stack.pop() as Open;
      let url: string | undefined;
      if (source[i + 1] === '(') {
        const read = readUrl(source, i + 2, open);
        url = read.url;
        i = read.end;
      } else {
        url = text.slice(open.offset);
        i++;
      }
      const link = checkedLink(url);
      if (text.length > open.offset && link !== undefined) entities.push({ type: 'text_link', offset: open.offset, length: text.length - open.offset, url: link });
    } else if (RESERVED.has(ch)) {
      throw reserved(ch);
    } else {
      text += ch;
      i++;
    }
  }
  if (quoteStart !== undefined) entities.push({ type: 'blockquote', offset: quoteStart, length: text.length - quoteStart });
  const unclosed = stack.pop();
  if (unclosed !== undefined) {
    throw cantParse(`Can't find end of ${ENTITY_NAME[unclosed.type]} entity at byte offset ${byteOffset(source, unclosed.sourceIndex)}`);
  }
  return { text, entities: sortEntities(entities) };
}

/** Reads `code` or ```pre```; inside them only "`" and "\" are special. Returns the index after the closing backticks. */
function readCode(source: string, start: number, offset: number, entities: MessageEntity[], emit: (s: string) => void): number {
  const fence = source.startsWith('```', start) ? '```' : '`';
  let i = start + fence.length;
  let language: string | undefined;
  if (fence === '```') {
    const newline = source.indexOf('\n', i);
    const firstLine = newline === -1 ? '' : source.slice(i, newline);
    if (newline !== -1 && /^[\w+#-]+$/.test(firstLine)) {
      language = firstLine;
      i = newline + 1;
    }
  }
  let content = '';
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '\\' && i + 1 < source.length) {
      content += source[i + 1];
      i += 2;
    } else if (source.startsWith(fence, i)) {
      emit(content);
      if (content.length > 0) {
        entities.push(fence === '`'
          ? { type: 'code', offset, length: content.length }
          : language === undefined ? { type: 'pre', offset, length: content.length }
            : { type: 'pre', offset, length: content.length, language });
      }
      return i + fence.length;
    } else {
      content += ch;
      i++;
    }
  }
  throw cantParse(`Can't find end of ${fence === '`' ? 'Code' : 'Pre'} entity at byte offset ${byteOffset(source, start)}`);
}

/** Reads a link URL up to the unescaped ")" ; returns it and the index after ")". */
function readUrl(source: string, start: number, open: Open): { url: string; end: number } {
  let url = '';
  let i = start;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '\\' && i + 1 < source.length) {
      url += source[i + 1];
      i += 2;
    } else if (ch === ')') {
      return { url, end: i + 1 };
    } else {
      url += ch;
      i++;
    }
  }
  throw cantParse(`Can't find end of a URL at byte offset ${byteOffset(source, open.sourceIndex)}`);
}

function reserved(ch: string): TelegramApiError {
  return cantParse(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
}

function cantParse(reason: string): TelegramApiError {
  return badRequest(`can't parse entities: ${reason}`);
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}
