import http from 'node:http';
import https from 'node:https';
import type { EmulatorClock } from '../shared/EmulatorClock.js';
import { systemClock } from '../shared/EmulatorClock.js';

/** What a webhook endpoint answered. */
export interface WebhookResponse {
  status: number;
  body: string;
  /** Response headers, lower-cased (Content-Type decides whether a method reply runs; Retry-After delays a retry). */
  headers: http.IncomingHttpHeaders;
}

/** Options of one webhook POST. */
export interface PostWebhookOptions {
  /** `X-Telegram-Bot-Api-Secret-Token`; omitted when undefined. */
  secretToken?: string | undefined;
  /** Give up (and count the attempt as failed) after this long on `clock`. */
  timeoutMs: number;
  /** Whose time the timeout runs on. @default the wall clock */
  clock?: EmulatorClock;
  /** Aborts the request, e.g. when the emulator closes. */
  signal?: AbortSignal;
  agent?: http.Agent;
}

/** The error a POST fails with when the webhook did not answer in time. */
export class WebhookTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`webhook did not answer within ${timeoutMs} ms`);
    this.name = 'WebhookTimeoutError';
  }
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
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.agent === undefined || target.protocol === 'https:' ? {} : { agent: options.agent }),
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        timer.cancel();
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers });
      });
      response.on('error', reject);
    });
    // On the emulator's clock, so a test can let a slow webhook's minute pass without waiting for it.
    const timer = (options.clock ?? systemClock).setTimer(() => request.destroy(new WebhookTimeoutError(options.timeoutMs)),
      options.timeoutMs);
    request.on('error', (error) => {
      timer.cancel();
      reject(error);
    });
    request.end(json);
  });
}
