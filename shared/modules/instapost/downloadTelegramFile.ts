import type { Api } from 'grammy';

/** Telegram lets bots download files of at most 20 MB (Bot API, getFile). */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/**
 * A file a user sent, by its file_id: getFile, then the download at
 * `<apiRoot>/file/bot<token>/<file_path>`, with a deadline. The URL holds the bot token, so it
 * is never logged or put in an error message.
 */
export async function downloadTelegramFile(api: Api, fileId: string, options: { timeoutMs?: number } = {}): Promise<Buffer> {
  const file = await api.getFile(fileId);
  if (file.file_path === undefined) throw new Error('getFile returned no file_path');
  const root = api.options?.apiRoot ?? 'https://api.telegram.org';
  let res: Response;
  try {
    res = await fetch(`${root}/file/bot${api.token}/${file.file_path}`, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  } catch (error) {
    // undici's errors do not include the URL (which holds the bot token); only the cause's name and code are kept.
    throw new Error(`could not download the file from Telegram (${error instanceof Error ? error.name : 'error'})`, { cause: error });
  }
  if (!res.ok) throw new Error(`downloading the file from Telegram failed with HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
