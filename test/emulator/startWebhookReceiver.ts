import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';

/** One POST the receiver got. */
export interface ReceivedDelivery {
  update: Update;
  headers: IncomingMessage['headers'];
  at: number;
}

/**
 * The answer to one delivery: a status; a JSON `body` (sent as application/json) or a raw
 * `text` with its own headers; sent after `delayMs` or once `until` settles.
 */
export interface WebhookAnswer {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  until?: Promise<unknown>;
}

/** Decides the answer to one delivery. */
export type WebhookBehaviour = (update: Update, attempt: number) => WebhookAnswer | Promise<WebhookAnswer>;

/**
 * A stand-in for a bot's webhook endpoint: records what Telegram (the emulator) posts and
 * answers as the test decides (default 200), so delivery rules can be observed directly.
 */
export async function startWebhookReceiver(behaviour: WebhookBehaviour = () => ({ status: 200 })) {
  const received: ReceivedDelivery[] = [];
  const attempts = new Map<number, number>();
  let current = behaviour;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Update;
      received.push({ update, headers: req.headers, at: Date.now() });
      const attempt = (attempts.get(update.update_id) ?? 0) + 1;
      attempts.set(update.update_id, attempt);
      void Promise.resolve(current(update, attempt)).then(async ({ status, body, text, headers, delayMs, until }) => {
        if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (until !== undefined) await until.catch(() => undefined);
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(text ?? (body === undefined ? '' : JSON.stringify(body)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    /** Forgets what was received and answers 200 again (between tests sharing one receiver). */
    reset() {
      received.length = 0;
      attempts.clear();
      current = behaviour;
    },
    /** Changes how later deliveries are answered. */
    respondWith(next: WebhookBehaviour) {
      current = next;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
