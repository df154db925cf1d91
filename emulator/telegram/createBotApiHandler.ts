import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiCall } from './ApiCall.js';
import { methodNotFound, unauthorized } from './apiErrors.js';
import type { EmulatorLogger } from './EmulatorLogger.js';
import { allMethods } from './methods/allMethods.js';
import type { UploadedFile } from './parseMultipart.js';
import { readRequestParams } from './readRequestParams.js';
import { TelegramApiError } from './TelegramApiError.js';
import type { World } from './World.js';

/** Runs one method call and returns the response body (see TelegramEmulator). */
export type ExecuteMethod = (method: string, params: Record<string, unknown>, files: Map<string, UploadedFile>,
  options: { parseError?: TelegramApiError }) => Promise<ApiCall['response']>;

const NOT_FOUND = { ok: false, error_code: 404, description: 'Not Found' };

/**
 * The HTTP face of the Bot API: `/bot<token>/<method>` (any HTTP method, JSON, form or
 * multipart body) and `/file/bot<token>/<file_path>` downloads. Checks the token before the
 * method, as Telegram does, so a wrong token gets 401 even for a method that does not exist.
 */
export function createBotApiHandler(deps: { token: string; world: World; execute: ExecuteMethod; logger: EmulatorLogger }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(pathname);
      if (file !== null) return serveFile(deps, res, file[1] ?? '', decodeURIComponent(file[2] ?? ''));
      const route = /^\/bot([^/]+)\/([^/]*)\/?$/.exec(pathname);
      if (route === null) return sendJson(res, 404, NOT_FOUND);
      if (route[1] !== deps.token) return sendJson(res, 401, unauthorized().toBody());
      const method = route[2] ?? '';
      if (!allMethods.has(method.toLowerCase())) return sendJson(res, 404, methodNotFound().toBody());
      let request: Awaited<ReturnType<typeof readRequestParams>> = { params: {}, files: new Map() };
      let parseError: TelegramApiError | undefined;
      try {
        request = await readRequestParams(req);
      } catch (error) {
        if (!(error instanceof TelegramApiError)) throw error;
        // Still executed (and so recorded) as a failed call, like any other bad request.
        parseError = error;
      }
      const response = await deps.execute(method, request.params, request.files, parseError === undefined ? {} : { parseError });
      // A 429 also carries Retry-After as a header (HttpConnection.cpp:71-73).
      const retryAfter = response.ok ? undefined : response.parameters?.retry_after;
      sendJson(res, response.ok ? 200 : response.error_code, response,
        retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
    } catch (error) {
      deps.logger.error({ err: error }, 'telegram emulator failed to answer a request');
      if (!res.headersSent) sendJson(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }
  };
}

function serveFile(deps: { token: string; world: World }, res: ServerResponse, token: string, filePath: string): void {
  if (token !== deps.token) return sendJson(res, 401, unauthorized().toBody());
  const file = [...deps.world.files.values()].find((candidate) => candidate.file_path === filePath);
  if (file === undefined) return sendJson(res, 404, NOT_FOUND);
  // Without uploaded bytes, serve zeros of the advertised size so size checks still hold.
  const body = file.bytes ?? Buffer.alloc(file.file_size);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers }).end(json);
}
