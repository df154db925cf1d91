import type { Queryable } from '../db/Queryable.js';
import { PostgresSessionStorage } from './PostgresSessionStorage.js';

/** What a chat's next message answers: an input kind of some module, with the module's data. */
export interface AwaitedInput {
  kind: string;
  data: unknown;
}

const key = (chatId: number) => `input:${chatId}`;

/**
 * The one way a feature waits for the user's next message ("send me your username", "send the
 * broadcast's text"): a row in the `sessions` table per chat, naming the input kind whose
 * handler takes the answer (`BotModule.inputs`). One question at a time per chat: asking a new
 * one replaces the old. It expires after `ttlMs`, so a word typed tomorrow is not taken as the
 * answer to yesterday's question. It lives in PostgreSQL, so any replica, after any restart,
 * takes the answer; the queue runs one chat's messages one at a time, so no lock is needed.
 */
export const awaitedInput = {
  /** Waits for this chat's next message as an answer of `kind`. */
  async open(sql: Queryable, chatId: number, kind: string, options: { data?: unknown; ttlMs: number }): Promise<void> {
    const input: AwaitedInput = { kind, data: options.data ?? null };
    await new PostgresSessionStorage<AwaitedInput>(sql, { ttlMs: options.ttlMs }).write(key(chatId), input);
  },
  /** What this chat's next message answers, if anything. */
  async read(sql: Queryable, chatId: number): Promise<AwaitedInput | null> {
    return (await new PostgresSessionStorage<AwaitedInput>(sql).read(key(chatId))) ?? null;
  },
  /** Stops waiting, if the chat still waits for `kind` (or one of the kinds; another question may have replaced it). */
  async close(sql: Queryable, chatId: number, kind: string | readonly string[]): Promise<void> {
    const kinds = typeof kind === 'string' ? [kind] : [...kind];
    await sql`delete from sessions where key = ${key(chatId)} and value ->> 'kind' = any(${kinds}::text[])`;
  },
};
