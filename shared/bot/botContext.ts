import type { Context } from 'grammy';
import type { Queryable } from '../db/Queryable.js';
import type { Locale } from '../i18n/catalogs.js';
import type { Translator } from '../i18n/createTranslator.js';
import type { Logger } from '../logger.js';
import type { JobMetrics } from '../metrics/JobMetrics.js';
import type { BotModule } from './BotModule.js';
import type { BotSettings } from './botSettings.js';
import type { RegisteredUser } from './registeredUser.js';

/** grammY's context with what every feature needs: a logger for this update, and the database. */
export interface BotContext extends Context {
  /** Child logger carrying `update_id`. */
  log: Logger;
  /**
   * The update's transaction: everything a feature writes for one update commits together, after
   * its replies were sent (see createBot.ts). Pass it to domain functions as their `Queryable`.
   */
  sql: Queryable;
  /** Points, costs and limits (see botSettings.ts). */
  settings: BotSettings;
  /**
   * The user behind the update as the database had them when the update began (registeredUser.ts);
   * `undefined` when there is none or they are not registered. Read once, for the language, the
   * ban and the daily points: what a feature changes later is not reflected here.
   */
  registered: RegisteredUser | undefined;
  /** The language of the user behind the update (set by the i18n middleware). */
  locale: Locale;
  /** The product areas this bot runs, for the menus and /help. */
  modules: readonly BotModule[];
  /**
   * What this update counts (docs/METRICS.md): the job's metrics, written with its completion,
   * so an attempt that fails counts nothing and a retried update is counted once.
   */
  metrics: JobMetrics;
  /** Renders a message from `locales/` in `locale`, as HTML. */
  t: Translator;
}
