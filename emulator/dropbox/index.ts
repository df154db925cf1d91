/**
 * Dropbox API v2 emulator for tests, the bench and the sandbox. Start one with
 * `DropboxEmulator.start()` and point DROPBOX_API_ROOT / DROPBOX_CONTENT_ROOT at its
 * `apiRoot` / `contentRoot` (the `dropbox` SDK reaches it through a host-rewriting `fetch`).
 *
 * @module
 */
export {
  DropboxEmulator, type DropboxEmulatorOptions, type DropboxFault, type DropboxCallMatch, type DropboxCall,
} from './DropboxEmulator.js';
export { DropboxApiError } from './DropboxApiError.js';
export * as dropboxErrors from './dropboxErrors.js';
export type { DropboxRoute, DropboxHost } from './dropboxRoutes.js';
export type { StoredFile } from './DropboxStore.js';
export { contentHash } from './contentHash.js';
export { ManualClock } from '../shared/ManualClock.js';
export type { InjectedFault } from '../shared/FaultInjector.js';
