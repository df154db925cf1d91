import { ConfigError } from '../config/parseEnv.js';

/** The products one bot can run: the growth bot and InstaPost. */
export const BOT_FEATURES = ['growth', 'instapost'] as const;
export type BotFeature = (typeof BOT_FEATURES)[number];

/**
 * Parses `BOT_FEATURES` (default `growth,instapost`): a comma-separated list, so that an operator
 * can run one product alone. Unknown or empty lists stop the start with a message naming them.
 */
export function parseBotFeatures(value: string | undefined): BotFeature[] {
  if (value === undefined || value.trim() === '') return [...BOT_FEATURES];
  const names = value.split(',').map((v) => v.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(BOT_FEATURES as readonly string[]).includes(n));
  if (unknown.length) throw new ConfigError([`BOT_FEATURES: unknown ${unknown.join(', ')}; use ${BOT_FEATURES.join(', ')} (comma-separated)`]);
  return BOT_FEATURES.filter((f) => names.includes(f));
}
