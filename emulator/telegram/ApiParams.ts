import { badRequest } from './apiErrors.js';
import type { TelegramApiError } from './TelegramApiError.js';

/**
 * Typed, validating access to one call's parameters. Values may arrive as JSON types or,
 * from form encodings, as strings already decoded by `readRequestParams`; getters accept both
 * and throw Telegram's own 400 errors when a required parameter is missing or malformed.
 */
export class ApiParams {
  readonly raw: Record<string, unknown>;

  constructor(raw: Record<string, unknown>) {
    this.raw = raw;
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  /** `chat_id` as a number, or an `@username` string. */
  chatId(name = 'chat_id'): number | string {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') throw badRequest(`${name} is empty`);
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string') {
      if (/^-?\d+$/.test(value)) return Number(value);
      if (value.startsWith('@')) return value;
    }
    throw badRequest('chat not found');
  }

  optionalInt(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw badRequest(`field "${name}" must be of type Integer`);
    }
    return n;
  }

  int(name: string, missing: TelegramApiError = badRequest(`${name} is empty`)): number {
    const n = this.optionalInt(name);
    if (n === undefined) throw missing;
    return n;
  }

  optionalString(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw badRequest(`field "${name}" must be of type String`);
  }

  string(name: string, missing: TelegramApiError = badRequest(`${name} is empty`)): string {
    const value = this.optionalString(name);
    if (value === undefined || value === '') throw missing;
    return value;
  }

  /** The server's to_bool: true, 1, "true", "yes" or "1", in any case (Client.cpp:9357-9361). */
  bool(name: string): boolean {
    const value = this.raw[name];
    if (value === true || value === 1) return true;
    return typeof value === 'string' && ['true', 'yes', '1'].includes(value.toLowerCase());
  }

  /**
   * A JSON-serialised parameter (reply_markup, entities, ...), whether sent as an object or as a
   * JSON string. `invalid` is the error Telegram gives for this parameter when it cannot be parsed.
   */
  json<T>(name: string, invalid: TelegramApiError = badRequest(`can't parse ${name} JSON object`)): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') {
      try {
        return JSON.parse(value) as T;
      } catch {
        throw invalid;
      }
    }
    if (typeof value !== 'object') throw invalid;
    return value as T;
  }
}
