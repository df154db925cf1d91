import { isIP } from 'node:net';
import { badRequest, tooManyRequests } from '../apiErrors.js';
import type { World } from '../World.js';

// When each emulated bot may call setWebhook with a URL again.
const nextSetWebhookAt = new WeakMap<World, number>();
import type { WebhookConfig } from '../UpdateDispatcher.js';
import type { MethodContext, MethodHandler } from './MethodContext.js';

/** Getting updates: long polling and the webhook. */
export const updateMethods: Record<string, MethodHandler> = {
  getUpdates(ctx) {
    const limit = Math.min(100, Math.max(1, ctx.params.optionalInt('limit') ?? 100));
    // timeout is capped at 50 s by the dispatcher (Client.cpp:15709).
    const timeout = Math.max(0, ctx.params.optionalInt('timeout') ?? 0);
    const allowed = readAllowedUpdates(ctx);
    if (allowed !== undefined) ctx.setAllowedUpdates(allowed);
    return ctx.dispatcher.getUpdates(ctx.params.optionalInt('offset'), limit, timeout);
  },

  setWebhook(ctx) {
    const url = ctx.params.optionalString('url') ?? '';
    // One non-empty setWebhook a second per bot (Client.cpp:15734-15738).
    if (url !== '') {
      const now = ctx.world.nowMs();
      if (now < (nextSetWebhookAt.get(ctx.world) ?? 0)) throw tooManyRequests(1);
      nextSetWebhookAt.set(ctx.world, now + 1000);
    }
    if (url === '') {
      ctx.dispatcher.deleteWebhook(ctx.params.bool('drop_pending_updates'));
      return true;
    }
    ctx.dispatcher.setWebhook(readWebhookConfig(ctx, url), ctx.params.bool('drop_pending_updates'));
    const allowed = readAllowedUpdates(ctx);
    if (allowed !== undefined) ctx.setAllowedUpdates(allowed);
    return true;
  },

  deleteWebhook(ctx) {
    ctx.dispatcher.deleteWebhook(ctx.params.bool('drop_pending_updates'));
    return true;
  },

  getWebhookInfo(ctx) {
    const webhook = ctx.dispatcher.webhook;
    const info: Record<string, unknown> = {
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: ctx.dispatcher.pendingCount,
    };
    if (webhook !== undefined) {
      info.max_connections = webhook.max_connections;
      // Always there once a URL is set: the address given, the one the host resolves to (here an
      // IP literal in the URL), or "<unknown>" (Client.cpp:5972).
      info.ip_address = webhook.ip_address ?? ipLiteralOf(webhook.url) ?? '<unknown>';
      if (webhook.allowed_updates !== undefined) info.allowed_updates = webhook.allowed_updates;
      const lastError = ctx.dispatcher.lastError;
      if (lastError !== undefined) {
        info.last_error_date = lastError.date;
        info.last_error_message = lastError.message;
      }
    }
    return info;
  },
};

/**
 * Validates setWebhook parameters. Unlike Telegram, plain http and any port are accepted:
 * the emulator's webhooks are local servers.
 */
export function readWebhookConfig(ctx: MethodContext, url: string): WebhookConfig {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
  // An empty secret means none (Client.cpp:16017-16024).
  const secret = ctx.params.optionalString('secret_token') ?? '';
  if (secret.length > 256) throw badRequest('secret token is too long');
  if (!/^[A-Za-z0-9_-]*$/.test(secret)) throw badRequest('secret token contains unallowed characters');
  // Clamped, not refused (Client.cpp:15991).
  const maxConnections = Math.min(100, Math.max(1, ctx.params.optionalInt('max_connections') ?? 40));
  const config: WebhookConfig = { url, max_connections: maxConnections };
  if (secret !== '') config.secret_token = secret;
  const allowed = readAllowedUpdates(ctx);
  if (allowed !== undefined) config.allowed_updates = allowed;
  const ip = ctx.params.optionalString('ip_address');
  if (ip !== undefined) config.ip_address = ip;
  return config;
}

/**
 * allowed_updates as the server reads it (Client.cpp:16889-16929): JSON it cannot parse is
 * ignored (the previous setting stays), unknown names are skipped, and a list naming no known
 * type means the default set (an empty list).
 */
function readAllowedUpdates(ctx: MethodContext): string[] | undefined {
  let allowed: unknown;
  try {
    allowed = ctx.params.json<unknown>('allowed_updates');
  } catch {
    return undefined;
  }
  if (allowed === undefined || !Array.isArray(allowed)) return undefined;
  return allowed.filter((type): type is string => typeof type === 'string' && UPDATE_TYPES.has(type));
}

// The update types the Bot API knows (core.telegram.org/bots/api#update).
const UPDATE_TYPES = new Set(['message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection',
  'business_message', 'edited_business_message', 'deleted_business_messages', 'message_reaction',
  'message_reaction_count', 'inline_query', 'chosen_inline_result', 'callback_query', 'shipping_query',
  'pre_checkout_query', 'purchased_paid_media', 'poll', 'poll_answer', 'my_chat_member', 'chat_member',
  'chat_join_request', 'chat_boost', 'removed_chat_boost']);

/** The host of `url` when it is an IP address (IPv6 without its brackets). */
function ipLiteralOf(url: string): string | undefined {
  const host = URL.canParse(url) ? new URL(url).hostname.replace(/^\[(.*)\]$/, '$1') : '';
  return isIP(host) === 0 ? undefined : host;
}
