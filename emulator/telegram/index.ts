/**
 * Telegram Bot API emulator for tests and the local sandbox. Start one with
 * `TelegramEmulator.start()`, point grammY at `emulator.apiRoot`, drive it with emulated users
 * and groups, and read what the bot did.
 *
 * @module
 */
export { TelegramEmulator, type TelegramEmulatorOptions, type SetWebhookOptions, type ChatRef } from './TelegramEmulator.js';
export { EmulatedUser, type CreateUserOptions, type InChat, type ButtonRef } from './EmulatedUser.js';
export { EmulatedGroup, type CreateGroupOptions, type ByUser } from './EmulatedGroup.js';
export type { UserAction, UpdateBody } from './UserAction.js';
export type { ApiCall } from './ApiCall.js';
export type { CallMatch, FailNextOptions, InjectedError } from './ErrorInjector.js';
export type { DeliveryAttempt, DeliveryOutcome, RedeliveryOptions, WebhookConfig } from './UpdateDispatcher.js';
export type { WebhookResponse } from './postWebhook.js';
export { type RateLimit, type RateLimits, defaultRateLimits } from './RateLimiter.js';
export { type AdminRights, defaultAdminRights, chatMember } from './chatMember.js';
export { TelegramApiError, type ApiErrorBody } from './TelegramApiError.js';
export {
  badRequest, botBlocked, botKicked, botKickedFromSupergroup, chatNotFound, forbidden, groupChatDeleted, migrated, serverError,
  tooManyRequests, userDeactivated,
} from './apiErrors.js';
export { EmulatorTimeoutError } from './EmulatorTimeoutError.js';
export { EmulatorClosedError } from './EmulatorClosedError.js';
export type { EmulatorLogger } from './EmulatorLogger.js';
export { ManualClock } from '../shared/ManualClock.js';
export { type EmulatorClock, type ClockTimer, systemClock } from '../shared/EmulatorClock.js';
export { type QueryAnswerWindows, defaultQueryAnswerWindows, JOIN_REQUEST_MESSAGING_WINDOW_MS } from './World.js';
export type { WaitOptions } from './ChangeSignal.js';
export { createSandboxHandler, type SandboxHandler, type SandboxOptions } from './sandbox/createSandboxHandler.js';
export type { SandboxState, SandboxMessage } from './sandbox/sandboxState.js';
