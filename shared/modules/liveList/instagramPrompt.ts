import { PostgresSessionStorage } from '../../bot/PostgresSessionStorage.js';
import type { Sql } from '../../db/createSql.js';

interface PromptState { awaiting: 'instagram' }

// Ten minutes: long enough to look the name up in the Instagram app, short enough that a
// word typed tomorrow is not taken as a username.
const PROMPT_TTL_MS = 10 * 60_000;

const storage = (sql: Sql) => new PostgresSessionStorage<PromptState>(sql, { ttlMs: PROMPT_TTL_MS });
const key = (chatId: number) => `prompt:${chatId}`;

/**
 * "Send me your Instagram username": remembers, in the sessions table, that the next text in
 * this chat is the answer. Read only when plain text arrives, so other updates pay nothing.
 */
export const instagramPrompt = {
  /** Starts waiting for the username in this chat. */
  async open(sql: Sql, chatId: number): Promise<void> {
    await storage(sql).write(key(chatId), { awaiting: 'instagram' });
  },
  /** Whether this chat's next text is the username. */
  async isOpen(sql: Sql, chatId: number): Promise<boolean> {
    return (await storage(sql).read(key(chatId)))?.awaiting === 'instagram';
  },
  /** Stops waiting (the username was saved). */
  async close(sql: Sql, chatId: number): Promise<void> {
    await storage(sql).delete(key(chatId));
  },
};
