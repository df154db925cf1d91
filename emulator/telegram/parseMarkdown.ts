import type { MessageEntity } from 'grammy/types';
import { badRequest } from './apiErrors.js';
import type { FormattedText } from './parseHtml.js';

/**
 * Parses legacy `parse_mode: "Markdown"` as TDLib's parse_markdown does (MessageEntity.cpp
 * 1984-2046): `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ```` (a first line as its
 * language) and `[text](url)`; no nesting; `\` escapes the four markup characters. An entity
 * without its closing character fails with "Can't find end of the entity starting at byte
 * offset N", which is what a bot meets when a user's name holds a lone `_`.
 */
export function parseMarkdown(source: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '\\' && '_*`['.includes(source[i + 1] ?? ' ')) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (!'_*`['.includes(ch)) {
      text += ch;
      i++;
      continue;
    }
    const begin = i;
    const isPre = ch === '`' && source.startsWith('```', i);
    const endMarker = ch === '[' ? ']' : isPre ? '```' : ch;
    i += isPre ? 3 : 1;
    const close = source.indexOf(endMarker, i);
    if (close === -1) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(source, begin)}`);
    let inner = source.slice(i, close);
    i = close + endMarker.length;
    let language: string | undefined;
    if (isPre) {
      const newline = inner.indexOf('\n');
      if (newline !== -1 && /^[^\s`]+$/.test(inner.slice(0, newline))) {
        language = inner.slice(0, newline);
        inner = inner.slice(newline + 1);
      }
    }
    const offset = text.length;
    text += inner;
    if (inner.length === 0) continue;
    if (ch === '[') {
      const url = /^\(([^)]*)\)/.exec(source.slice(i));
      if (url === null) continue;
      i += url[0].length;
      if (url[1] !== undefined && url[1] !== '') entities.push({ type: 'text_link', offset, length: inner.length, url: url[1] });
      continue;
    }
    if (isPre) {
      entities.push(language === undefined ? { type: 'pre', offset, length: inner.length } : { type: 'pre', offset, length: inner.length, language });
      continue;
    }
    entities.push({ type: ch === '*' ? 'bold' : ch === '_' ? 'italic' : 'code', offset, length: inner.length });
  }
  return { text, entities };
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

function cantParse(reason: string) {
  return badRequest(`can't parse entities: ${reason}`);
}
