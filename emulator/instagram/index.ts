/**
 * Instagram Graph API emulator (Facebook Login path) for tests, the bench and the sandbox.
 * Start one with `InstagramEmulator.start()`, set INSTAGRAM_GRAPH_API_ROOT to its `graphRoot`,
 * create accounts, and read what was published.
 *
 * @module
 */
export {
  InstagramEmulator, type InstagramEmulatorOptions, type CreateAccountOptions, type GraphFault, type GraphCallMatch,
  type FailGraphOptions, type GraphCall,
} from './InstagramEmulator.js';
export { EmulatedInstagramAccount, type PublishedPost } from './EmulatedInstagramAccount.js';
export { GraphApiError, type GraphApiErrorFields, type GraphErrorBody } from './GraphApiError.js';
export * as graphErrors from './graphErrors.js';
export type { GraphOperation } from './graphRoutes.js';
export type { ContainerStatusCode, FetchedImage } from './GraphWorld.js';
export { IMAGE_RULES } from './fetchImage.js';
export { CAPTION_RULES } from './validateCaption.js';
export { ManualClock } from '../shared/ManualClock.js';
export type { InjectedFault } from '../shared/FaultInjector.js';
