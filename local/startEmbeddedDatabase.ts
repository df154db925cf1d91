import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A running embedded PostgreSQL. */
export interface EmbeddedDatabase {
  /** A `postgres://` URL that postgres.js (or psql) connects to. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WebAssembly) behind its wire-protocol socket server, so
 * that the product talks to it through postgres.js exactly as it talks to Supabase: same SQL,
 * same code path. PGlite is one backend; the socket server multiplexes connections onto it and
 * runs one transaction at a time. LISTEN/NOTIFY does not cross that multiplexer, so the worker
 * polls (its backstop) on the embedded database. Under concurrent queries from several
 * connections it was seen to interleave their extended-protocol messages ("portal does not
 * exist", a spurious 503 from the webhook), so callers use a single connection.
 *
 * @param dataDir where to persist; omit for an in-memory database (tests).
 */
export async function startEmbeddedDatabase(options: { dataDir?: string; maxConnections?: number } = {}): Promise<EmbeddedDatabase> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections ?? 32 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres:postgres@${address}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
