import type { Context } from 'grammy';
import type { Sql } from '../db/createSql.js';
import type { Logger } from '../logger.js';

/** grammY's context with what every feature needs: a logger for this update, and the database. */
export interface BotContext extends Context {
  /** Child logger carrying `update_id`. */
  log: Logger;
  sql: Sql;
}
