import type { MessageEntity } from 'grammy/types';

// Telegram clients mark these automatically in text users type. Offsets are UTF-16 code units,
// the same unit as JavaScript string indices, so regex match indices can be used directly.
const AUTO_ENTITY = new RegExp(
  [
    String.raw`(?<bot_command>(?<=^|\s)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@]))`,
    String.raw`(?<mention>(?<=^|[^\w@])@[A-Za-z0-9_]{4,32}(?!\w))`,
    String.raw`(?<hashtag>(?<=^|[^\w#])#\w*[^\W\d]\w*)`,
    String.raw`(?<url>\bhttps?://[^\s<>"]+[^\s<>".,;:!?)\]'])`,
  ].join('|'),
  'gu',
);

/**
 * The entities a Telegram client attaches to a typed text: bot commands (anywhere at a word
 * start, as Telegram marks them), @mentions, #hashtags and http(s) links.
 */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(AUTO_ENTITY)) {
    const groups = match.groups ?? {};
    const type = (['bot_command', 'mention', 'hashtag', 'url'] as const).find((name) => groups[name] !== undefined);
    if (type === undefined) continue;
    entities.push({ type, offset: match.index, length: match[0].length });
  }
  return entities;
}
