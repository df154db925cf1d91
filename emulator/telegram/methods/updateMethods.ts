import { badRequest } from '../apiErrors.js';
import type { WebhookConfig } from '../UpdateDispatcher.js';
import type { MethodContext, MethodHandler } from './MethodContext.js';

/** Getting updates: long polling and the webhook. */
export const updateMethods: Record<string, MethodHandler> = {
  getUpdates(ctx) {
    const limit = Math.min(100, Math.max(1, ctx.params.optionalInt('limit') ?? 100));
    const timeout = Math.max(0, ctx.params.optionalInt('timeout') ?? 0);
    const allowed = readAllowedUpdates(ctx);
    if (allowed !== undefined) ctx.setAllowedUpdates(allowed);
    return ctx.dispatcher.getUpdates(ctx.params.optionalInt('offset'), limit, timeout);
  },

  setWebhook(ctx) {
    const url = ctx.params.optionalString('url') ?? '';
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
      if (webhook.ip_address !== undefined) info.ip_address = webhook.ip_address;
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
  const secret = ctx.params.optionalString('secret_token');
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
    throw badRequest('secret token contains unallowed characters');
  }
  const maxConnections = ctx.params.optionalInt('max_connections') ?? 40;
  if (maxConnections < 1 || maxConnections > 100) throw badRequest('bad webhook: max_connections must be between 1 and 100');
  const config: WebhookConfig = { url, max_connections: maxConnections };
  if (secret !== undefined) config.secret_token = secret;
  const allowed = readAllowedUpdates(ctx);
  if (allowed !== undefined) config.allowed_updates = allowed;
  const ip = ctx.params.optionalString('ip_address');
  if (ip !== undefined) config.ip_address = ip;
  return config;
}

function readAllowedUpdates(ctx: MethodContext): string[] | undefined {
  const allowed = ctx.params.json<unknown>('allowed_updates', badRequest("can't parse allowed updates JSON object"));
  if (allowed === undefined) return undefined;
  if (!Array.isArray(allowed) || !allowed.every((type) => typeof type === 'string')) {
    throw badRequest("can't parse allowed updates JSON object");
  }
  return allowed;
}
