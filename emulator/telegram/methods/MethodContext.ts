import type { ApiParams } from '../ApiParams.js';
import type { UploadedFile } from '../parseMultipart.js';
import type { UpdateDispatcher } from '../UpdateDispatcher.js';
import type { UserAction, UpdateBody } from '../UserAction.js';
import type { ChatRecord, World } from '../World.js';
import type { SentMessageOptions } from '../SentMessageOptions.js';

/** What a method handler may use: the call's parameters and the emulator's state. */
export interface MethodContext {
  params: ApiParams;
  /** Uploaded files by multipart part name. */
  files: Map<string, UploadedFile>;
  world: World;
  dispatcher: UpdateDispatcher;
  /** Options the bot sent messages with (parse_mode, reply keyboards, invoice payloads...). */
  sentOptions: SentMessageOptions;
  /** Sends the bot an update caused by this call (e.g. a service message after approving a join request). */
  publish: (body: UpdateBody) => UserAction;
  /** Counts a message towards the rate limits; throws 429 when `enforceLimits` is on and one is exceeded. */
  countMessage: (chat: ChatRecord) => void;
  /** Sets the update types the bot wants (from setWebhook or getUpdates). */
  setAllowedUpdates: (types: string[] | undefined) => void;
}

/** Runs one Bot API method; returns its `result` or throws a TelegramApiError. */
export type MethodHandler = (ctx: MethodContext) => unknown;
