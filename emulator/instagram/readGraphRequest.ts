import type { IncomingMessage } from 'node:http';
import { invalidParameter } from './graphErrors.js';

/** One Graph API request, whatever encoding the client used. */
export interface GraphRequest {
  method: string;
  /** e.g. 'v25.0', or undefined for an unversioned path (Graph then uses the app's default). */
  version: string | undefined;
  /** Path components after the version, e.g. ['17841400000000001', 'media']. */
  segments: string[];
  /** Query and body parameters, body winning; `access_token` removed. */
  params: Record<string, unknown>;
  /** From `access_token` or an `Authorization: Bearer|OAuth <token>` header. */
  token: string | undefined;
}

// Graph bodies are small (parameters, never media: Instagram fetches media itself).
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a Graph request: parameters from the query string and from a JSON or form body (Meta's
 * reference examples use the query string, its guide a JSON body with a Bearer header), the
 * token from either place.
 */
export async function readGraphRequest(req: IncomingMessage): Promise<GraphRequest> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter((part) => part !== '').map((part) => decodeURIComponent(part));
  const version = parts[0] !== undefined && /^v\d+\.\d+$/.test(parts[0]) ? parts.shift() : undefined;
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  if (body.length > 0) {
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.includes('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw invalidParameter('Invalid JSON for postbody');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter('Invalid JSON for postbody');
      Object.assign(params, parsed);
    } else {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    }
  }
  const header = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const fromParams = typeof params.access_token === 'string' ? params.access_token : undefined;
  delete params.access_token;
  return { method: (req.method ?? 'GET').toUpperCase(), version, segments: parts, params, token: fromParams ?? header };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw invalidParameter('Request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
