import type { MessageEntity } from 'grammy/types';
import { badRequest } from './apiErrors.js';
import type { TelegramApiError } from './TelegramApiError.js';

// Entity types the server drops from explicit entities: TDLib finds them in the text itself
// (Client.cpp get_text_entity_type: "mention" … "bank_card_number" → nullptr).
const DETECTED = new Set(['mention', 'hashtag', 'cashtag', 'bot_command', 'url', 'email', 'phone_number', 'bank_card_number']);
const PLAIN = new Set(['bold', 'italic', 'underline', 'strikethrough', 'spoiler', 'code', 'blockquote', 'expandable_blockquote']);

function refused(reason: string): TelegramApiError {
  return badRequest(`can't parse MessageEntity: ${reason}`);
}

type Fields = Record<string, unknown>;

/** tdutils' get_json_object_int_field: a Number or a String holding an integer. */
function intField(object: Fields, name: string, optional = false): number | undefined {
  const value = object[name];
  if (value === undefined) {
    if (optional) return undefined;
    throw refused(`Can't find field "${name}"`);
  }
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isInteger(number)) throw refused(`Field "${name}" must be of type Number`);
  return number;
}

function stringField(object: Fields, name: string, optional = false): string | undefined {
  const value = object[name];
  if (value === undefined) {
    if (optional) return undefined;
    throw refused(`Can't find field "${name}"`);
  }
  if (typeof value !== 'string') throw refused(`Field "${name}" must be of type String`);
  return value;
}

/**
 * Explicit `entities` / `caption_entities` read as the Bot API server reads them
 * (Client.cpp get_text_entity and get_text_entity_type; the envelope at 11341): each must be an
 * object with `offset`, `length` and `type`, plus what its type needs (`url`, `user.id`,
 * `custom_emoji_id`, `unix_time`); an unknown or empty type is refused; the types TDLib detects
 * on its own are dropped. A parameter that is not an array is ignored, as there.
 */
export function readExplicitEntities(input: unknown): MessageEntity[] | undefined {
  if (!Array.isArray(input)) return undefined;
  const entities: MessageEntity[] = [];
  for (const item of input) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw refused('expected an Object');
    const object = item as Fields;
    const offset = intField(object, 'offset')!;
    const length = intField(object, 'length')!;
    const type = stringField(object, 'type')!;
    if (type === '') throw refused('Type is not specified');
    if (DETECTED.has(type)) continue;
    if (PLAIN.has(type)) {
      entities.push({ type, offset, length } as MessageEntity);
    } else if (type === 'pre') {
      const language = stringField(object, 'language', true);
      entities.push(language ? { type, offset, length, language } : { type, offset, length });
    } else if (type === 'text_link') {
      entities.push({ type, offset, length, url: stringField(object, 'url')! });
    } else if (type === 'text_mention') {
      const user = object.user;
      if (user === undefined) throw refused('Can\'t find field "user"');
      if (user === null || typeof user !== 'object' || Array.isArray(user)) throw refused('Field "user" must be of type Object');
      const id = intField(user as Fields, 'id')!;
      entities.push({ type, offset, length, user: { id, is_bot: false, first_name: '' } });
    } else if (type === 'custom_emoji') {
      const id = object.custom_emoji_id;
      if (id === undefined) throw refused('Can\'t find field "custom_emoji_id"');
      entities.push({ type, offset, length, custom_emoji_id: String(id) });
    } else if (type === 'date_time') {
      intField(object, 'unix_time');
      const format = stringField(object, 'date_time_format', true) ?? '';
      if (!/^(r|R|[tTdDwW]*)$/.test(format)) throw refused('Invalid date-time format specified');
      entities.push({ ...object, type, offset, length } as unknown as MessageEntity);
    } else {
      throw refused('Unsupported type specified');
    }
  }
  return entities;
}
