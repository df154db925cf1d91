import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EmulatedUser } from '../EmulatedUser.js';
import type { TelegramEmulator } from '../TelegramEmulator.js';
import type { UserAction } from '../UserAction.js';
import { fileRequest, MAX_UPLOAD_BODY_BYTES, sendUpload, serveFile, uploadSchema } from './sandboxMedia.js';
import { sandboxPage } from './sandboxPage.js';
import { sandboxState } from './sandboxState.js';

/** Options of {@link createSandboxHandler}. */
export interface SandboxOptions {
  /** Links shown on the page, e.g. to the emulated Instagram's published posts. */
  links?: ReadonlyArray<{ label: string; href: string }>;
  /**
   * The user the page opens as when it has none yet (first open, or its remembered user is
   * gone after a restart): their private chat with the bot is shown, ready for /start.
   * Default none: the page asks to pick a user.
   */
  openAs?: EmulatedUser;
}

/** Handles a request if it is under `/sandbox`; returns false otherwise so the caller can route it. */
export type SandboxHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const MAX_BODY_BYTES = 64 * 1024;

const id = z.coerce.number().int();
const schemas = {
  users: z.object({ first_name: z.string().trim().min(1).max(64), username: z.string().regex(/^[A-Za-z0-9_]{0,32}$/).optional(),
    language_code: z.string().max(8).optional() }),
  groups: z.object({ title: z.string().trim().min(1).max(128), type: z.enum(['group', 'supergroup', 'channel']).default('supergroup'),
    userId: id, bot: z.enum(['admin', 'member', 'none']).default('admin') }),
  send: z.object({ userId: id, chatId: id.optional(), text: z.string().min(1).max(4096) }),
  photo: z.object({ userId: id, chatId: id.optional(), caption: z.string().max(1024).optional() }),
  press: z.object({ userId: id, chatId: id, messageId: id, data: z.string() }),
  join: z.object({ userId: id, chatId: id, mode: z.enum(['join', 'request']) }),
  leave: z.object({ userId: id, chatId: id }),
  block: z.object({ userId: id, blocked: z.boolean() }),
  pay: z.object({ userId: id, chatId: id, messageId: id }),
  // An invoice link the bot made (createInvoiceLink: a Star subscription), paid with pretend Stars.
  paylink: z.object({ userId: id, link: z.string().regex(/^https:\/\/t\.me\/\$[\w-]+$/, 'not an invoice link') }),
  bot: z.object({ chatId: id, action: z.enum(['add', 'admin', 'demote', 'remove']) }),
};
type Action = keyof typeof schemas;

/**
 * The sandbox: a page under `/sandbox` where a person chats with the bot as emulated users
 * (private chats and groups, commands, inline buttons, join requests, payments), plus the
 * JSON endpoints under `/sandbox/api/` it uses. Mount it on any node:http server:
 * `if (sandbox(req, res)) return;`.
 */
export function createSandboxHandler(emulator: TelegramEmulator, options: SandboxOptions = {}): SandboxHandler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/sandbox' && !url.pathname.startsWith('/sandbox/')) return false;
    void route(emulator, req, res, url, options).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
    return true;
  };
}

async function route(emulator: TelegramEmulator, req: IncomingMessage, res: ServerResponse, url: URL, options: SandboxOptions): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '');
  if (req.method === 'GET' && path === '/sandbox') {
    const html = sandboxPage(emulator.bot.first_name, options.links ?? []);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // The page is self-contained; forbid everything else so a rendering bug cannot load or send anything.
      'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
      'x-content-type-options': 'nosniff',
    }).end(html);
    return;
  }
  if (req.method === 'GET' && path === '/sandbox/api/state') {
    const chat = url.searchParams.get('chat');
    sendJson(res, 200, sandboxState(emulator, chat === null || chat === '' ? undefined : Number(chat), options.openAs?.id ?? null));
    return;
  }
  const fileId = fileRequest(req, path);
  if (fileId !== undefined) return serveFile(emulator, fileId, res);
  const action = /^\/sandbox\/api\/([a-z]+)$/.exec(path)?.[1];
  if (req.method !== 'POST' || action === undefined || !(action in schemas || action === 'upload')) {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  // Requiring a JSON content type makes cross-site form posts (which cannot set it without a
  // CORS preflight) unable to drive the sandbox from another page.
  if (!(req.headers['content-type'] ?? '').includes('application/json')) {
    sendJson(res, 415, { error: 'send application/json' });
    return;
  }
  let input: unknown;
  try {
    input = JSON.parse(await readBody(req, action === 'upload' ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES));
  } catch {
    sendJson(res, 400, { error: 'invalid JSON' });
    return;
  }
  if (action === 'upload') {
    const upload = uploadSchema.safeParse(input);
    if (!upload.success) return sendJson(res, 400, { error: upload.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    try {
      sendJson(res, 200, await sendUpload(emulator, upload.data));
    } catch (error) {
      sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  const parsed = schemas[action as Action].safeParse(input);
  if (!parsed.success) {
    sendJson(res, 400, { error: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
    return;
  }
  try {
    sendJson(res, 200, perform(emulator, action as Action, parsed.data));
  } catch (error) {
    // Actions throw plain Errors for things a person can get wrong (not a member, no such button).
    sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}

function perform(emulator: TelegramEmulator, action: Action, data: Record<string, unknown>): unknown {
  const user = (): EmulatedUser => {
    const found = emulator.userById(Number(data.userId));
    if (found === undefined) throw new Error(`no user ${String(data.userId)}`);
    return found;
  };
  const group = () => {
    const found = emulator.groupById(Number(data.chatId));
    if (found === undefined) throw new Error(`no group ${String(data.chatId)}`);
    return found;
  };
  const inChat = () => (data.chatId === undefined || data.chatId === data.userId ? {} : { chat: Number(data.chatId) });
  switch (action) {
    case 'users': {
      const { first_name, username, language_code } = schemas.users.parse(data);
      const created = emulator.createUser({ first_name, ...(username ? { username } : {}), ...(language_code ? { language_code } : {}) });
      return { id: created.id };
    }
    case 'groups': {
      const { title, type, bot } = schemas.groups.parse(data);
      const created = emulator.createGroup({ title, type, creator: user() });
      if (bot !== 'none') created.addBot({ asAdmin: bot === 'admin' });
      return { id: created.id };
    }
    case 'send':
      return summary(user().sendMessage(String(data.text), inChat()));
    case 'photo':
      return summary(user().sendPhoto({ ...inChat(), ...(typeof data.caption === 'string' && data.caption !== '' ? { caption: data.caption } : {}) }));
    case 'press': {
      const action = user().pressButton(Number(data.messageId), String(data.data), { chat: Number(data.chatId) });
      return { ...summary(action), queryId: action.update.callback_query?.id };
    }
    case 'join':
      return summary(data.mode === 'request' ? user().requestToJoin(group()) : user().join(group()));
    case 'leave':
      return summary(user().leave(group()));
    case 'block':
      return summary(data.blocked === true ? user().blockBot() : user().unblockBot());
    case 'pay':
      return summary(user().payInvoice(Number(data.messageId), { chat: Number(data.chatId) }));
    case 'paylink':
      return summary(user().payInvoiceLink(String(data.link)));
    case 'bot': {
      const target = group();
      const actions = { add: () => target.addBot(), admin: () => target.promoteBot(), demote: () => target.demoteBot(),
        remove: () => target.removeBot() };
      return summary(actions[data.action as keyof typeof actions]());
    }
  }
}

function summary(action: UserAction): { update_id: number; queued: boolean } {
  return { update_id: action.update.update_id, queued: action.queued };
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
