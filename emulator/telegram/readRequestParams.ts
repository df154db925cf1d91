import type { IncomingMessage } from 'node:http';
import { TelegramApiError } from './TelegramApiError.js';
import { parseMultipart, type UploadedFile } from './parseMultipart.js';

/** Parameters of one Bot API call, whatever encoding the client used. */
export interface RequestParams {
  params: Record<string, unknown>;
  /** Uploaded files by part name (multipart only). */
  files: Map<string, UploadedFile>;
}

// Telegram accepts uploads up to 50 MB; anything far beyond is a client bug, not a test.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

// Form encodings carry every value as a string. Telegram coerces by the parameter's declared
// type; we approximate that by leaving these free-text parameters alone and decoding JSON-ish
// values (objects, arrays, numbers, booleans) everywhere else, so `chat_id=5` becomes 5 and
// `reply_markup={...}` becomes an object, while a message text "123" stays a string.
const STRING_PARAMS = new Set([
  'text', 'caption', 'title', 'description', 'payload', 'start_parameter', 'data', 'url',
  'secret_token', 'file_id', 'callback_query_id', 'pre_checkout_query_id', 'inline_message_id',
  'language_code', 'photo', 'ip_address', 'error_message', 'name', 'business_connection_id',
  'message_effect_id', 'provider_token', 'currency', 'parse_mode', 'custom_title', 'short_description',
]);

/**
 * Reads a Bot API request's parameters from the query string and the body (JSON,
 * application/x-www-form-urlencoded or multipart/form-data). Body values win over query ones.
 */
export async function readRequestParams(req: IncomingMessage): Promise<RequestParams> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const params: Record<string, unknown> = decodeForm(Object.fromEntries(url.searchParams));
  const files = new Map<string, UploadedFile>();
  const body = await readBody(req);
  if (body.length === 0) return { params, files };
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.includes('application/json')) {
    // A body that is not a JSON object is ignored, as the server's reader ignores it
    // (HttpReader.cpp:222-229); the method then meets its missing parameters.
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) Object.assign(params, parsed);
  } else if (contentType.includes('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    const multipart = parseMultipart(body, (boundary?.[1] ?? boundary?.[2] ?? '').trim());
    Object.assign(params, decodeForm(multipart.fields));
    for (const [name, file] of multipart.files) files.set(name, file);
  } else {
    Object.assign(params, decodeForm(Object.fromEntries(new URLSearchParams(body.toString('utf8')))));
  }
  return { params, files };
}

function decodeForm(fields: Record<string, string>): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    decoded[key] = STRING_PARAMS.has(key) ? value : decodeValue(value);
  }
  return decoded;
}

function decodeValue(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value.startsWith('{') || value.startsWith('[')) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new TelegramApiError(413, 'Request Entity Too Large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
