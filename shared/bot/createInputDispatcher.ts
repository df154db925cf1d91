import { Composer } from 'grammy';
import { awaitedInput } from './awaitedInput.js';
import type { BotContext } from './botContext.js';
import type { BotModule, InputHandler } from './BotModule.js';

/**
 * Routes a private chat's message to the module that asked for it (see awaitedInput.ts).
 * Registered after every module's feature: commands are never answers (they went to their
 * features, and an unknown one falls through to the fallback's hint), and the sessions row is
 * read only for a message nothing else took.
 */
export function createInputDispatcher(modules: readonly BotModule[]): Composer<BotContext> {
  const handlers = new Map<string, InputHandler>();
  for (const m of modules) {
    for (const [kind, handler] of Object.entries(m.inputs ?? {})) {
      if (handlers.has(kind)) throw new Error(`input kind '${kind}' of module '${m.name}' is already taken`);
      handlers.set(kind, handler);
    }
  }
  const dispatcher = new Composer<BotContext>();
  dispatcher.chatType('private').on('message', async (ctx, next) => {
    if (ctx.msg.text?.startsWith('/')) return next();
    const input = await awaitedInput.read(ctx.sql, ctx.chat.id);
    const handler = input && handlers.get(input.kind);
    if (!input || !handler) return next();
    await handler(ctx, input.data, next);
  });
  return dispatcher;
}
