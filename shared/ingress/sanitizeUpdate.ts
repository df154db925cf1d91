/** Deeper than any update Telegram sends (a reply to a reply inside a pinned message is ~10). */
export const MAX_DEPTH = 64;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function clean(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd');
}

/** What {@link sanitizeUpdate} found. */
export type SanitizedUpdate =
  | { kind: 'clean' }
  | { kind: 'repaired'; text: string }
  | { kind: 'too_deep' };

/**
 * Repairs what PostgreSQL's jsonb refuses in an update, which JSON and JavaScript allow:
 * `\u0000` (SQLSTATE 22P05) is removed and a lone surrogate such as `\ud800` (22P02) becomes
 * U+FFFD, so the rest of the message is still handled. Nesting deeper than any real update
 * (PostgreSQL stops at 54001) cannot be repaired. `clean` means there was nothing to repair,
 * so a refusal by the database is not explained by the update's content.
 */
export function sanitizeUpdate(update: unknown): SanitizedUpdate {
  let changed = false;
  const fix = (text: string) => {
    const fixed = clean(text);
    if (fixed !== text) changed = true;
    return fixed;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return fix(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) throw new RangeError('nested too deeply');
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[fix(k)] = walk(v, depth + 1);
    return out;
  };
  let text: string;
  try {
    text = JSON.stringify(walk(update, 0));
  } catch (err) {
    if (err instanceof RangeError) return { kind: 'too_deep' };
    throw err;
  }
  return changed ? { kind: 'repaired', text } : { kind: 'clean' };
}

/**
 * Whether JSON text nests objects and arrays deeper than {@link MAX_DEPTH}, read off the text
 * in one pass (strings skipped), before anything recursive sees it. Such an update is refused
 * before the database: PostgreSQL stops at 54001, and the embedded database (PGlite, WASM) can
 * overflow its stack on it and stop answering altogether.
 */
export function nestsTooDeeply(json: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
