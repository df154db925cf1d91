import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves `handler` on 127.0.0.1 at a free port and tells the parent which, as one JSON line on
 * stdout (`{"port":1234}`), which {@link import('../spawnServer.js').spawnServer} waits for.
 * Stops on SIGTERM.
 */
export function serveOnLoopback(handler: (req: IncomingMessage, res: ServerResponse) => unknown, onStop?: () => Promise<void>): void {
  // A handler that rejects (grammY's webhookCallback throws on its 10 s timeout) answers 500
  // instead of crashing the process, so an overloaded reference keeps being measured.
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  // Telegram keeps webhook connections alive; so does the load generator.
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
    void (onStop?.() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}
