import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the file server answers for one path. */
export type ServedFile = { body: Buffer | string; contentType?: string; status?: number } | 'hang';

/**
 * A plain-http server of test files (the "public server" an image_url points at): each path
 * answers what the test put there; 'hang' never answers. Listens on a free port.
 */
export async function startFileServer() {
  const files = new Map<string, ServedFile>();
  const requests: Array<{ path: string; userAgent: string | undefined }> = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push({ path, userAgent: req.headers['user-agent'] });
    const file = files.get(path);
    if (file === 'hang') return void hanging.add(res);
    if (file === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const body = typeof file.body === 'string' ? Buffer.from(file.body) : file.body;
    res.writeHead(file.status ?? 200, { 'content-type': file.contentType ?? 'image/jpeg', 'content-length': body.length }).end(body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    files,
    requests,
    /** Serves `file` at `path` and returns its full URL. */
    put(path: string, file: ServedFile): string {
      files.set(path, file);
      return `${url}${path}`;
    },
    close: () => new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }),
  };
}
