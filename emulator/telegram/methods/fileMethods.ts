import { badRequest } from '../apiErrors.js';
import type { MethodHandler } from './MethodContext.js';

/**
 * Bots may download files of at most 20 MB through the cloud Bot API ("getFile … files of up to
 * 20MB in size"); the server refuses larger ones at getFile with "file is too big".
 */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** Files: getFile hands out the path under which `/file/bot<token>/<path>` serves the bytes. */
export const fileMethods: Record<string, MethodHandler> = {
  getFile(ctx) {
    const file = ctx.world.files.get(ctx.params.string('file_id', badRequest('invalid file_id')));
    if (file === undefined) throw badRequest('invalid file_id');
    if (file.file_size > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, file_path: file.file_path };
  },
};
