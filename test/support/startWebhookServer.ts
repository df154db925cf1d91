import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sql } from '../../shared/db/createSql.js';
import { createWebhookHandler } from '../../shared/ingress/createWebhookHandler.js';
import { testLogger } from './testLogger.js';

/** The webhook handler served over HTTP on loopback, as Telegram (or the emulator) reaches it. */
export async function startWebhookServer(sql: Sql, secret: string): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const handle = createWebhookHandler({ sql, secret, log: testLogger });
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/telegram`,
    server,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
