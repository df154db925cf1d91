/**
 * "Log In With Telegram" (OpenID Connect provider) emulator for the dashboard's sign-in tests.
 *
 * @module
 */
export { TelegramLoginEmulator, type TelegramLoginEmulatorOptions, type LoginConsent } from './TelegramLoginEmulator.js';
