import { badRequest } from '../apiErrors.js';
import type { MethodHandler } from './MethodContext.js';

/** Files: getFile hands out the path under which `/file/bot<token>/<path>` serves the bytes. */
export const fileMethods: Record<string, MethodHandler> = {
  getFile(ctx) {
    const file = ctx.world.files.get(ctx.params.string('file_id', badRequest('invalid file_id')));
    if (file === undefined) throw badRequest('invalid file_id');
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, file_path: file.file_path };
  },
};
