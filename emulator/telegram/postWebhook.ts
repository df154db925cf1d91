import http from 'node:http';
import https from 'node:https';

/** What a webhook endpoint answered. */
export interface WebhookResponse {
  status: number;
  body: string;
}

/** Options of one webhook POST. */
export interface PostWebhookOptions {
  /** `X-Telegram-Bot-Api-Secret-Token`; omitted when undefined. */
  secretToken?: string | undefined;
  /** Give up (and count the attempt as failed) after this long. */
  timeoutMs: number;
  /** Aborts the request, e.g. when the emulator closes. */
  signal?: AbortSignal;
  agent?: http.Agent;
}

/**
 * POSTs one update to a webhook URL the way Telegram does: JSON body, the secret header when
 * one was set. Resolves with any HTTP answer; rejects on network errors and timeouts.
 */
export function postWebhook(url: string, json: string, options: PostWebhookOptions): Promise<WebhookResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    };
    if (options.secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = options.secretToken;
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST',
      headers,
      timeout: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.agent === undefined || target.protocol === 'https:' ? {} : { agent: options.agent }),
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`webhook did not answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(json);
  });
}
