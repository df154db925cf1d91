import type { Api, ChatTypeContext, Composer, Filter, MiddlewareFn } from 'grammy';
import type { Update } from 'grammy/types';
import type { Sql } from '../db/createSql.js';
import type { MessageKey } from '../i18n/catalogs.js';
import type { JobHandler } from '../queue/jobHandler.js';
import type { BotContext } from './botContext.js';
import type { BotSettings } from './botSettings.js';
import type { CommandName } from './botCommands.js';

/** An update type, as `allowed_updates` names it. */
export type UpdateType = Exclude<keyof Update, 'update_id'>;

/** What a module's job handlers are built with. */
export interface ModuleJobDeps {
  /** The bot's client: retries 429, 5xx and network errors a few times (retryApiCalls). */
  api: Api;
  /**
   * A client without automatic retries, for sends that must never repeat: after an ambiguous
   * failure the message may have arrived, and a 429 must slow every sender, not one call.
   */
  rawApi: Api;
  settings: BotSettings;
}

/** A button of the main menu: its label and the callback data its module answers. */
export interface MenuButton {
  label: MessageKey;
  data: string;
}

/**
 * One row of `/settings`: a line with the current value and a button opening the module's own
 * screen for it (the module's feature answers the button; its Back button sends
 * `settings:show`). Undefined when the row does not apply to this user (one account: no default
 * to choose).
 */
export interface SettingsRow {
  /**
   * The input kinds its screen asks for (a typed time zone). Showing the overview again (Back,
   * or /settings) stops waiting for them, so a word typed after leaving the screen is not taken
   * as its answer.
   */
  readonly inputs?: readonly string[];
  render(ctx: BotContext & { from: { id: number } }): Promise<{ line: string; button?: { label: string; data: string } } | undefined>;
}

/**
 * Answers the message a module asked for (see awaitedInput.ts). `data` is what the module
 * stored when it asked. Call `next()` when the message turns out not to be the answer.
 */
export type InputHandler = (ctx: InputContext, data: unknown, next: () => Promise<void>) => Promise<void>;

/** A message in a private chat, as an {@link InputHandler} gets it. */
export type InputContext = Filter<ChatTypeContext<BotContext, 'private'>, 'message'>;

/**
 * One product area as the bot runs it: everything it adds to the bot, declared in its
 * `shared/modules/<area>/index.ts`. The bot, the worker's job list, /help, the main menu and
 * the command menus are all made from the list in `shared/modules/index.ts`, so adding a
 * feature is adding it to its module, and nothing else.
 */
export interface BotModule {
  /** Names the module in logs. */
  readonly name: string;
  /** Commands of private chats, in the order /help, the main menu and the command menu show them. */
  readonly commands?: readonly CommandName[];
  /**
   * Commands for the bot's operators only: never in /help or the public command menu; set in
   * each admin's own chat (`npm run set-commands`, BotCommandScopeChat). Their handlers check
   * the sender on the server all the same: a menu is a convenience, not a permission.
   */
  readonly adminCommands?: readonly CommandName[];
  /** Commands of group chats, for the groups' command menu. */
  readonly groupCommands?: readonly CommandName[];
  /** Its buttons on the main menu, in order. */
  readonly menu?: readonly MenuButton[];
  /**
   * Its rows of `/settings`, in order: the settings module shows them under the language, so a
   * product's settings live with the product and the bot without it shows none of them.
   */
  readonly settings?: readonly SettingsRow[];
  /**
   * Runs for every update as soon as its language is known, before the rate limit and every
   * module's middleware: for a verdict on the sender (a ban) that must stop an update before
   * anything counts it or answers it.
   */
  readonly guard?: MiddlewareFn<BotContext>;
  /** Runs for every update before any module's feature (e.g. the daily points). */
  readonly middleware?: MiddlewareFn<BotContext>;
  /**
   * The update types it handles beyond the core's (`message`, `callback_query`). Telegram sends
   * only the types the webhook asked for, and never `chat_member` unless asked: the list given
   * to setWebhook and getUpdates is made from these (shared/bot/allowedUpdates.ts).
   */
  readonly updates?: readonly UpdateType[];
  /** Its commands, buttons and updates. Modules handle disjoint updates, so their order does not matter. */
  readonly feature?: Composer<BotContext>;
  /** Answers to the questions it asks, by kind; kinds are unique across modules. */
  readonly inputs?: Readonly<Record<string, InputHandler>>;
  /** Its job types and their handlers. */
  jobs?(deps: ModuleJobDeps): JobHandler[];
  /** Work it needs on a schedule, run once per tick across replicas (worker/periodicTasks.ts). */
  readonly periodicTasks?: readonly ModulePeriodicTask[];
}

/** A periodic task of a module: the shape of worker/periodicTasks.ts's PeriodicTask. */
export interface ModulePeriodicTask {
  readonly name: string;
  readonly everyMs: number;
  run(sql: Sql): Promise<Record<string, number>>;
}
