import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { TelegramEmulator } from '../TelegramEmulator.js';

/**
 * A file picked on the sandbox page, base64 in JSON. 27 MiB of base64 is a bit over 20 MB of
 * file: enough to try Telegram's 20 MB download limit from the page.
 */
export const MAX_UPLOAD_BODY_BYTES = 27 * 1024 * 1024;

export const uploadSchema = z.object({
  userId: z.coerce.number().int(),
  chatId: z.coerce.number().int().optional(),
  caption: z.string().max(1024).optional(),
  fileName: z.string().trim().min(1).max(255),
  data: z.base64(),
  /** 'photo': sent as a compressed photo; 'document': sent as a file, byte for byte. */
  as: z.enum(['photo', 'document']),
});

/** Sends the picked file as the user: a photo (Telegram's PhotoSize array) or a document. */
export async function sendUpload(emulator: TelegramEmulator, input: z.infer<typeof uploadSchema>): Promise<{ update_id: number; queued: boolean }> {
  const user = emulator.userById(input.userId);
  if (user === undefined) throw new Error(`no user ${input.userId}`);
  const bytes = Buffer.from(input.data, 'base64');
  const where = input.chatId === undefined || input.chatId === input.userId ? {} : { chat: input.chatId };
  const caption = input.caption === undefined || input.caption === '' ? {} : { caption: input.caption };
  let action;
  if (input.as === 'photo') {
    try {
      action = await user.sendImage(bytes, { ...where, ...caption });
    } catch {
      throw new Error(`${input.fileName} is not an image a Telegram app would send as a photo; send it as a file`);
    }
  } else {
    action = await user.sendDocument({ ...where, ...caption, fileName: input.fileName, bytes });
  }
  return { update_id: action.update.update_id, queued: action.queued };
}

/** Serves a file's bytes to the page (`/sandbox/api/file/<file_id>`), so photos show as images. */
export function serveFile(emulator: TelegramEmulator, fileId: string, res: ServerResponse): void {
  const file = emulator.world.files.get(fileId);
  if (file?.bytes === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const type = file.file_path.endsWith('.jpg') ? 'image/jpeg' : file.file_path.endsWith('.png') ? 'image/png'
    : file.file_path.endsWith('.webp') ? 'image/webp' : 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'content-length': file.bytes.length, 'x-content-type-options': 'nosniff',
    'cache-control': 'no-store' }).end(file.bytes);
}

/** Whether this request is a file read, and its file_id. */
export function fileRequest(req: IncomingMessage, path: string): string | undefined {
  if (req.method !== 'GET') return undefined;
  return /^\/sandbox\/api\/file\/([\w-]+)$/.exec(path)?.[1];
}
