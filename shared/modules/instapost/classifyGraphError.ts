import { GraphApiError, GraphTransportError } from './GraphApiError.js';

/** What to do about a failed Graph call. */
export type GraphErrorKind =
  /** Try again later (with backoff; `reason` says whether a new container is needed). */
  | 'transient'
  /** Retrying cannot help: tell the user why. */
  | 'permanent'
  /** The token is no longer valid: the account needs reconnecting. */
  | 'token-invalid';

/** Why, in a word the bot can turn into a sentence in the user's language. */
export type GraphErrorReason =
  | 'throttled' | 'server-error' | 'download-timeout' | 'media-fetch-failed' | 'not-ready' | 'container-expired'
  | 'container-failed' | 'daily-limit' | 'policy-block' | 'token' | 'permission' | 'image-too-large' | 'image-format'
  | 'aspect-ratio' | 'caption-too-long' | 'too-many-tags' | 'unknown-media-type' | 'carousel-count' | 'product-tags'
  | 'unsupported-video' | 'account-restricted' | 'spam-block' | 'duplicate-post' | 'not-found' | 'timeout' | 'network'
  | 'bad-response' | 'invalid-parameter' | 'unknown';

/** The verdict on an error. */
export interface GraphErrorClass {
  kind: GraphErrorKind;
  reason: GraphErrorReason;
  /**
   * The call may have had its effect although it failed (a timeout or network error): for
   * media_publish, read the container's status before anything else.
   */
  ambiguous: boolean;
  /** The container behind the error is spent: create a new one before retrying. */
  needsNewContainer: boolean;
}

// Subcodes first: code 4 is both the app's rate limit (retry) and, with 2207051, Instagram's
// anti-spam block (never retry); -1 and -2 mean nothing without their subcode.
const BY_SUBCODE: Record<number, [GraphErrorKind, GraphErrorReason, boolean?]> = {
  2207001: ['transient', 'server-error'],
  2207003: ['transient', 'download-timeout'],
  2207032: ['transient', 'container-failed', true],
  2207053: ['transient', 'container-failed', true],
  2207020: ['transient', 'container-expired', true],
  2207006: ['transient', 'container-expired', true],
  2207008: ['transient', 'container-expired', true],
  2207027: ['transient', 'not-ready'],
  2207042: ['transient', 'daily-limit'],
  2207004: ['permanent', 'image-too-large'],
  2207005: ['permanent', 'image-format'],
  2207009: ['permanent', 'aspect-ratio'],
  2207010: ['permanent', 'caption-too-long'],
  2207040: ['permanent', 'too-many-tags'],
  2207023: ['permanent', 'unknown-media-type'],
  2207028: ['permanent', 'carousel-count'],
  2207035: ['permanent', 'product-tags'],
  2207036: ['permanent', 'product-tags'],
  2207037: ['permanent', 'product-tags'],
  2207026: ['permanent', 'unsupported-video'],
  2207050: ['permanent', 'account-restricted'],
  2207051: ['permanent', 'spam-block'],
};

const PERMANENT_CODES: Record<number, GraphErrorReason> = {
  3: 'permission', 10: 'permission', 36000: 'image-too-large', 36001: 'image-format', 36002: 'image-format',
  36003: 'aspect-ratio', 36004: 'caption-too-long', 506: 'duplicate-post', 100: 'invalid-parameter', 25: 'account-restricted',
};

/**
 * Sorts a Graph failure the way Meta's error references advise
 * (/work/shared/reference/instagram-graph-and-dropbox.md §1.7): transient (codes 1, 2, 4, 17, 341,
 * 368 and subcodes 2207001/3/20/27/32/42/53…), permanent (10, 200–299, 36000–36004 and subcodes
 * 2207004/5/9/10/23/28/40/50/51…), token-invalid (190 and 102 whatever the subcode, 104, and an
 * OAuthException without subcode that is none of the above). A timeout or network error is
 * transient and `ambiguous`. 2207052 (Meta could not fetch the image) is transient while nothing
 * has been published yet (`beforePublish`, the default: it comes from creating the container),
 * since it is often intermittent; otherwise permanent.
 */
export function classifyGraphError(error: unknown, options: { beforePublish?: boolean } = {}): GraphErrorClass {
  const verdict = (kind: GraphErrorKind, reason: GraphErrorReason, needsNewContainer = false, ambiguous = false): GraphErrorClass =>
    ({ kind, reason, ambiguous, needsNewContainer });
  // No usable answer: the call may or may not have done its work, whatever the transport failure was.
  if (error instanceof GraphTransportError) return verdict('transient', error.kind, false, true);
  if (!(error instanceof GraphApiError)) return verdict('permanent', 'unknown');
  const { code, subcode } = error;
  if (subcode === 2207052) return verdict(options.beforePublish === false ? 'permanent' : 'transient', 'media-fetch-failed', true);
  const known = subcode === undefined ? undefined : BY_SUBCODE[subcode];
  if (known !== undefined) return verdict(known[0], known[1], known[2] === true);
  if (code === 190 || code === 102 || code === 104) return verdict('token-invalid', 'token');
  if (code === 1 || code === 2) return verdict('transient', 'server-error');
  if (code === 4 || code === 17 || code === 341 || code === 32 || code === 613) return verdict('transient', 'throttled');
  if (code === 368) return verdict('transient', 'policy-block');
  if (code === 9) return verdict('transient', 'daily-limit');
  if (code === -1 || code === -2) return verdict('transient', 'server-error', true);
  if (code >= 200 && code <= 299) return verdict('permanent', 'permission');
  // 100/33: the object does not exist or this token may not see it.
  if (code === 100 && subcode === 33) return verdict('permanent', 'not-found');
  const permanent = PERMANENT_CODES[code];
  if (permanent !== undefined) return verdict('permanent', permanent);
  // Meta: "OAuthException … with no subcode: the token is invalid" (Graph API error handling).
  if (error.type === 'OAuthException' && subcode === undefined) return verdict('token-invalid', 'token');
  if (error.isTransient === true || error.status >= 500) return verdict('transient', 'server-error');
  return verdict('permanent', 'unknown');
}
