import { botMethods } from './botMethods.js';
import { chatMethods } from './chatMethods.js';
import { fileMethods } from './fileMethods.js';
import { mediaGroupMethods } from './mediaGroupMethods.js';
import type { MethodHandler } from './MethodContext.js';
import { messageMethods } from './messageMethods.js';
import { paymentMethods } from './paymentMethods.js';
import { updateMethods } from './updateMethods.js';

/**
 * Every method the emulator serves, keyed by lower-cased name: Telegram matches method names
 * case-insensitively (`/bot<token>/sendmessage` works).
 */
export const allMethods: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries({ ...botMethods, ...messageMethods, ...mediaGroupMethods, ...chatMethods, ...updateMethods, ...paymentMethods, ...fileMethods })
    .map(([name, handler]) => [name.toLowerCase(), handler]),
);
