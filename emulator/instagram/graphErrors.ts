import { GraphApiError } from './GraphApiError.js';

// The errors Instagram's Content Publishing API answers with, for route handlers and for
// tests to inject. Codes and subcodes are Meta's (developers.facebook.com: Instagram Platform
// "Error codes" and Graph API "Handling errors"); the wording of messages is as close to real
// bodies as could be found (see /work/shared/reference/instagram-graph-and-dropbox.md §1.7):
// clients must branch on code and subcode, never on the text.

const GRAPH_DOCS = 'Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';

/** 190 without subcode: a token that is not a token (or one this app never issued). */
export function invalidToken(): GraphApiError {
  return new GraphApiError({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
}

/** 104: no token at all. */
export function missingToken(): GraphApiError {
  return new GraphApiError({ code: 104, message: 'An access token is required to request this resource.' });
}

const REVOKED: Record<number, string> = {
  458: 'Error validating access token: The user has not authorized application.',
  459: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  463: 'Error validating access token: Session has expired.',
  464: 'Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
  492: 'Error validating access token: The user is not an admin of the Page.',
};

/** 190 with a subcode: a token that was valid and no longer is (460: password changed, 463: expired...). */
export function revokedToken(subcode = 460): GraphApiError {
  return new GraphApiError({ code: 190, subcode, message: REVOKED[subcode] ?? 'Error validating access token.' });
}

/** 100/33: the object does not exist or this token may not see it (Meta does not say which). */
export function objectNotFound(id: string, verb: 'get' | 'post' = 'get'): GraphApiError {
  return new GraphApiError({ code: 100, subcode: 33, type: 'GraphMethodException',
    message: `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. ${GRAPH_DOCS}` });
}

/** 100 without subcode: a missing or malformed parameter. */
export function invalidParameter(message: string): GraphApiError {
  return new GraphApiError({ code: 100, message: `(#100) ${message}` });
}

/** 2500: a path the Graph API does not know. */
export function unknownPath(path: string): GraphApiError {
  return new GraphApiError({ code: 2500, message: `Unknown path components: ${path}` });
}

/** 36000/2207004: the image is 8 MiB or more. */
export function imageTooLarge(): GraphApiError {
  return new GraphApiError({ code: 36000, subcode: 2207004, isTransient: false, message: 'The image is too large to download.',
    userTitle: 'Image is too large', userMessage: 'The image is too large to download. It should be less than 8 MiB.' });
}

/** 36001/2207005: not a JPEG (Instagram publishes JPEG only). */
export function unsupportedImageFormat(): GraphApiError {
  return new GraphApiError({ code: 36001, subcode: 2207005, isTransient: false, message: 'The image format is not supported.',
    userTitle: 'Unsupported format', userMessage: 'The image format is not supported. Supported format: JPEG.' });
}

/** 36003/2207009: width/height outside 4:5 … 1.91:1. */
export function unsupportedAspectRatio(width: number, height: number): GraphApiError {
  return new GraphApiError({ code: 36003, subcode: 2207009, isTransient: false, message: 'The aspect ratio is not supported.',
    userTitle: 'Cannot process image',
    userMessage: `The submitted image with aspect ratio ('${width}/${height}') cannot be published. Please submit an image with a valid aspect ratio.` });
}

/** 36004/2207010: caption over 2,200 characters or 30 hashtags. */
export function captionTooLong(): GraphApiError {
  return new GraphApiError({ code: 36004, subcode: 2207010, isTransient: false, message: 'The caption is too long.',
    userTitle: 'Caption too long', userMessage: 'The caption exceeds the maximum length (2,200 characters, 30 hashtags).' });
}

/** 100/2207040: more than 20 @mentions. */
export function tooManyMentions(): GraphApiError {
  return new GraphApiError({ code: 100, subcode: 2207040, isTransient: false, message: 'Invalid parameter',
    userTitle: 'Too many tags', userMessage: 'You cannot use more than 20 @tags in a caption.' });
}

/** 9004/2207052: the image URL could not be fetched or is not an image (a real body's wording). */
export function mediaFetchFailed(url: string): GraphApiError {
  return new GraphApiError({ code: 9004, subcode: 2207052, isTransient: false,
    message: 'Only photo or video can be accepted as media type.',
    userTitle: "Media download has failed. The media URI doesn't meet our requirements.",
    userMessage: `The media could not be fetched from this URI: ${url}. Please check that the URI is public and points to a photo or video.` });
}

/** -2/2207003: fetching the image took too long. */
export function mediaDownloadTimeout(): GraphApiError {
  return new GraphApiError({ code: -2, subcode: 2207003, isTransient: true, message: 'Timeout while downloading the media.',
    userTitle: 'Media download timed out', userMessage: 'It took too long to download the media. Please try again.' });
}

/** 9007/2207027: media_publish on a container that is not FINISHED ("Media ID is not available" in practice). */
export function mediaNotReady(): GraphApiError {
  return new GraphApiError({ code: 9007, subcode: 2207027, isTransient: false, message: 'Media ID is not available',
    userTitle: 'The media is not ready for publishing, please wait for a moment', userMessage: 'The media is not ready to be published yet.' });
}

/** -2/2207020: the container expired (24 h) before it was published. */
export function mediaExpired(): GraphApiError {
  return new GraphApiError({ code: -2, subcode: 2207020, isTransient: false, message: 'The media you are trying to access has expired.',
    userTitle: 'Media expired', userMessage: 'The media has expired. Please upload it again.' });
}

/** 24/2207006: no such container for this account. */
export function mediaNotFound(id: string): GraphApiError {
  return new GraphApiError({ code: 24, subcode: 2207006, isTransient: false, message: `The media with id ${id} cannot be found`,
    userTitle: 'Media not found', userMessage: 'The media could not be found. It may have expired or the token may lack permission.' });
}

/** 100/2207028: a carousel with fewer than 2 or more than 10 children. */
export function carouselItemCount(): GraphApiError {
  return new GraphApiError({ code: 100, subcode: 2207028, isTransient: false, message: 'Invalid parameter',
    userTitle: 'Carousel validation failed', userMessage: 'A carousel must have between 2 and 10 photos or videos.' });
}

/** 100/2207023: a media_type this emulator (or Instagram) does not take here. */
export function unknownMediaType(): GraphApiError {
  return new GraphApiError({ code: 100, subcode: 2207023, isTransient: false, message: 'Invalid parameter',
    userTitle: 'Unknown media type', userMessage: 'The media type is unknown.' });
}

/** 9/2207042: the account's content_publishing_limit is used up for the rolling 24 hours. */
export function publishingLimitReached(): GraphApiError {
  return new GraphApiError({ code: 9, subcode: 2207042, isTransient: false, message: 'Application request limit reached',
    userTitle: 'Maximum number of posts reached',
    userMessage: 'You reached maximum number of posts that is allowed to be published by Content Publishing API.' });
}

/** 4/2207051: Instagram's anti-spam block ("We restrict certain activity…"); not the app limit despite code 4. */
export function activityRestricted(): GraphApiError {
  return new GraphApiError({ code: 4, subcode: 2207051, isTransient: false, message: 'Application request limit reached',
    userTitle: 'Action is blocked', userMessage: 'We restrict certain activity to protect our community.' });
}

const THROTTLED = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  341: '(#341) Application limit reached',
} as const;

/** 4 (app), 17 (user) or 341: Graph rate limiting; retry after a backoff. */
export function throttled(code: keyof typeof THROTTLED = 4): GraphApiError {
  return new GraphApiError({ code, isTransient: true, message: THROTTLED[code] });
}

/** 1 or 2: Meta's own trouble (HTTP 500); retry. */
export function graphServerError(code: 1 | 2 = 2): GraphApiError {
  return new GraphApiError({ code, status: 500, isTransient: true,
    message: code === 1 ? 'An unknown error occurred' : 'An unexpected error has occurred. Please retry your request later.' });
}

/** -1/2207001: Instagram's server error; retry. */
export function instagramServerError(): GraphApiError {
  return new GraphApiError({ code: -1, subcode: 2207001, status: 500, isTransient: true,
    message: 'An unexpected error has occurred. Please retry your request later.',
    userTitle: 'Server error', userMessage: 'There was an error. Please try again.' });
}

/** 10 or 200: the token lacks a permission (instagram_content_publish, pages_read_engagement...). */
export function permissionDenied(code: 10 | 200 = 10): GraphApiError {
  return new GraphApiError({ code, status: 403,
    message: code === 10 ? '(#10) Application does not have permission for this action' : '(#200) Permissions error' });
}
