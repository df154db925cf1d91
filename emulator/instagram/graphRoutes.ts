import { fetchImage } from './fetchImage.js';
import type { GraphApiError } from './GraphApiError.js';
import {
  carouselItemCount, invalidParameter, invalidToken, mediaExpired, mediaNotFound, mediaNotReady, missingToken, objectNotFound,
  publishingLimitReached, revokedToken, unknownMediaType, unknownPath,
} from './graphErrors.js';
import { graphTimestamp, pickFields, requestedFields } from './graphFields.js';
import {
  type ContainerRecord, type ContainerStatusCode, type GraphWorld, type InstagramUserRecord, type MediaRecord, type PageRecord,
  QUOTA_DURATION_S, type TokenRecord,
} from './GraphWorld.js';
import type { GraphRequest } from './readGraphRequest.js';
import { validateCaption } from './validateCaption.js';

/** The Graph operations the emulator serves, as named in its call log and error injection. */
export type GraphOperation =
  | 'me' | 'accounts' | 'debugToken' | 'page' | 'igUser' | 'container' | 'media' | 'listMedia'
  | 'createContainer' | 'publish' | 'publishingLimit';

/** What a route handler may use besides the request. */
export interface RouteContext {
  world: GraphWorld;
  request: GraphRequest;
  now: () => number;
  /** How long a new container stays IN_PROGRESS, in ms. */
  processingMs: number;
  /** How long a new post cannot be read (100/33), in ms. */
  permalinkDelayMs: number;
  fetchTimeoutMs: number;
  /** The URL the emulator serves a published image at (media_url). */
  mediaUrl: (media: MediaRecord, index: number) => string;
  /** A forced outcome (failNextContainers) for the next container of this account, if any. */
  takeForcedOutcome: (igUserId: string) => ContainerRecord['forcedOutcome'];
}

/** A request matched to an operation, not yet authorised nor run. */
export interface ResolvedRoute {
  operation: GraphOperation;
  /** The Instagram account the call concerns, when there is one (for per-account injection). */
  igUserId?: string;
  run: (ctx: RouteContext) => unknown;
}

const STATUS_TEXT: Record<ContainerStatusCode, string> = {
  IN_PROGRESS: 'In Progress: Media is still being processed.',
  FINISHED: 'Finished: Media has been uploaded and it is ready to be published.',
  PUBLISHED: 'Published: Media has been successfully published.',
  EXPIRED: 'Expired: Media was not published within 24 hours.',
  ERROR: 'Error: Media upload has failed',
};

/** Matches a request to an operation (404-like failures are thrown as Graph errors). */
export function resolveRoute(world: GraphWorld, request: GraphRequest): ResolvedRoute {
  const { method, segments } = request;
  const [first, edge, ...rest] = segments;
  const verb = method === 'POST' ? 'post' : 'get';
  if (first === undefined || rest.length > 0) throw unknownPath(segments.join('/'));
  if (first === 'debug_token' && edge === undefined && verb === 'get') return { operation: 'debugToken', run: debugToken };
  if (first === 'me') {
    if (edge === undefined && verb === 'get') return { operation: 'me', run: me };
    if (edge === 'accounts' && verb === 'get') return { operation: 'accounts', run: accounts };
    throw unknownPath(segments.join('/'));
  }
  const igUser = world.igUsers.get(first);
  if (edge === undefined && verb === 'get') {
    if (world.pages.has(first)) return { operation: 'page', run: (ctx) => readPage(ctx, first) };
    if (igUser !== undefined) return { operation: 'igUser', igUserId: igUser.id, run: (ctx) => readIgUser(ctx, first) };
    const container = world.containers.get(first);
    if (container !== undefined) return { operation: 'container', igUserId: container.igUserId, run: (ctx) => readContainer(ctx, first) };
    const media = world.media.get(first);
    if (media !== undefined) return { operation: 'media', igUserId: media.igUserId, run: (ctx) => readMedia(ctx, first) };
    throw objectNotFound(first, verb);
  }
  if (igUser === undefined) throw objectNotFound(first, verb);
  const igUserId = igUser.id;
  if (edge === 'media' && verb === 'post') return { operation: 'createContainer', igUserId, run: (ctx) => createContainer(ctx, igUserId) };
  if (edge === 'media' && verb === 'get') return { operation: 'listMedia', igUserId, run: (ctx) => listMedia(ctx, igUserId) };
  if (edge === 'media_publish' && verb === 'post') return { operation: 'publish', igUserId, run: (ctx) => publish(ctx, igUserId) };
  if (edge === 'content_publishing_limit' && verb === 'get') return { operation: 'publishingLimit', igUserId, run: (ctx) => publishingLimit(ctx, igUserId) };
  throw invalidParameter(`Tried accessing nonexisting field (${edge ?? ''}) on node type (IGUser)`);
}

/** The token's record, or the error Graph answers a missing, unknown or revoked token with. */
export function authenticate(world: GraphWorld, token: string | undefined): TokenRecord {
  if (token === undefined || token === '') throw missingToken();
  const record = world.tokens.get(token);
  if (record === undefined) throw invalidToken();
  if (record.revokedSubcode !== undefined) throw revokedToken(record.revokedSubcode);
  return record;
}

function authorised(ctx: RouteContext, id: string): TokenRecord {
  const token = authenticate(ctx.world, ctx.request.token);
  if (!ctx.world.canAccess(token, id)) throw objectNotFound(id, ctx.request.method === 'POST' ? 'post' : 'get');
  return token;
}

function me(ctx: RouteContext): unknown {
  const token = authenticate(ctx.world, ctx.request.token);
  // With a Page token, "me" is the Page: the connect flow reads the Page and its Instagram account in one call.
  if (token.kind === 'page') return readPage(ctx, token.pageId ?? '');
  const user = ctx.world.users.get(token.userId);
  return pickFields(token.userId, 'User', requestedFields(ctx.request.params, ['name']), { name: () => user?.name });
}

function accounts(ctx: RouteContext): unknown {
  const token = authenticate(ctx.world, ctx.request.token);
  if (token.kind === 'page') throw invalidParameter('Tried accessing nonexisting field (accounts) on node type (Page)');
  const pages = [...ctx.world.pages.values()].filter((page) => page.ownerId === token.userId);
  return {
    data: pages.map((page) => ({ access_token: page.token, category: page.category, category_list: [], name: page.name, id: page.id,
      tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'] })),
    paging: { cursors: { before: 'QVFIUmBEFORE', after: 'QVFIUmAFTER' } },
  };
}

function debugToken(ctx: RouteContext): unknown {
  // The caller's own token is an app token ("{app-id}|{app-secret}") or any valid token.
  const caller = ctx.request.token;
  if (caller === undefined || caller === '') throw missingToken();
  if (!caller.includes('|')) authenticate(ctx.world, caller);
  const input = typeof ctx.request.params.input_token === 'string' ? ctx.request.params.input_token : '';
  const record = ctx.world.tokens.get(input);
  if (record === undefined) {
    return { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
      scopes: [] } };
  }
  const error: GraphApiError | undefined = record.revokedSubcode === undefined ? undefined : revokedToken(record.revokedSubcode);
  return {
    data: {
      app_id: '1000000000000001', type: record.kind.toUpperCase(), application: 'InstaPost (emulated)',
      // Page tokens derived from a long-lived user token never expire: expires_at 0.
      data_access_expires_at: 0, expires_at: 0, is_valid: error === undefined,
      ...(error === undefined ? {} : { error: { code: error.code, subcode: error.subcode, message: error.message } }),
      issued_at: Math.floor(ctx.now() / 1000),
      ...(record.pageId === undefined ? {} : { profile_id: record.pageId }),
      scopes: ['instagram_basic', 'instagram_content_publish', 'pages_read_engagement', 'pages_show_list'],
      user_id: record.userId,
    },
  };
}

function readPage(ctx: RouteContext, pageId: string): unknown {
  authorised(ctx, pageId);
  const page = ctx.world.pages.get(pageId) as PageRecord;
  return pickFields(page.id, 'Page', requestedFields(ctx.request.params, ['name']), {
    name: () => page.name,
    category: () => page.category,
    instagram_business_account: () => (page.igUserId === undefined ? undefined : { id: page.igUserId }),
    connected_instagram_account: () => (page.igUserId === undefined ? undefined : { id: page.igUserId }),
  });
}

function readIgUser(ctx: RouteContext, igUserId: string): unknown {
  authorised(ctx, igUserId);
  const igUser = ctx.world.igUsers.get(igUserId) as InstagramUserRecord;
  return pickFields(igUser.id, 'IGUser', requestedFields(ctx.request.params, []), {
    username: () => igUser.username,
    name: () => igUser.name,
    biography: () => igUser.biography,
    followers_count: () => igUser.followersCount,
    follows_count: () => igUser.followsCount,
    media_count: () => igUser.mediaIds.length,
    profile_picture_url: () => `https://scontent.cdninstagram.com/emulated/${igUser.id}.jpg`,
    website: () => undefined,
  });
}

function readContainer(ctx: RouteContext, containerId: string): unknown {
  authorised(ctx, containerId);
  const container = ctx.world.containers.get(containerId) as ContainerRecord;
  const status = ctx.world.statusOf(container, ctx.now());
  const errorSubcode = container.forcedOutcome?.status === 'ERROR' ? container.forcedOutcome.subcode : 2207001;
  return pickFields(container.id, 'ShadowIGMediaBuilder', requestedFields(ctx.request.params, []), {
    status_code: () => status,
    // "If status_code is ERROR, this value will be an error subcode" (IG Container reference).
    status: () => (status === 'ERROR' ? `${STATUS_TEXT.ERROR} with error code ${errorSubcode}` : STATUS_TEXT[status]),
    copyright_check_status: () => ({ status: 'completed', matches_found: false }),
  });
}

function readMedia(ctx: RouteContext, mediaId: string): unknown {
  authorised(ctx, mediaId);
  const media = ctx.world.media.get(mediaId) as MediaRecord;
  // Right after publishing Meta sometimes cannot load the new post yet (postiz-app #1562).
  if (ctx.now() < media.readableAt) throw objectNotFound(mediaId);
  return mediaNode(ctx, media, requestedFields(ctx.request.params, []));
}

function mediaNode(ctx: RouteContext, media: MediaRecord, fields: string[]): Record<string, unknown> {
  const igUser = ctx.world.igUsers.get(media.igUserId);
  return pickFields(media.id, 'IGMedia', fields, {
    caption: () => media.caption,
    alt_text: () => media.altText,
    media_type: () => media.mediaType,
    media_product_type: () => 'FEED',
    media_url: () => ctx.mediaUrl(media, 0),
    permalink: () => `https://www.instagram.com/p/${media.shortcode}/`,
    shortcode: () => media.shortcode,
    timestamp: () => graphTimestamp(media.publishedAt),
    username: () => igUser?.username,
    owner: () => ({ id: media.igUserId }),
    is_comment_enabled: () => true,
    like_count: () => 0,
    comments_count: () => 0,
  });
}

function listMedia(ctx: RouteContext, igUserId: string): unknown {
  authorised(ctx, igUserId);
  const igUser = ctx.world.igUsers.get(igUserId) as InstagramUserRecord;
  const limit = Math.min(100, Math.max(1, Number(ctx.request.params.limit ?? 25) || 25));
  const fields = requestedFields(ctx.request.params, []);
  const newestFirst = [...igUser.mediaIds].reverse().slice(0, limit);
  return { data: newestFirst.map((id) => mediaNode(ctx, ctx.world.media.get(id) as MediaRecord, fields)) };
}

function publishingLimit(ctx: RouteContext, igUserId: string): unknown {
  authorised(ctx, igUserId);
  const igUser = ctx.world.igUsers.get(igUserId) as InstagramUserRecord;
  const fields = requestedFields(ctx.request.params, ['quota_usage']);
  const entry: Record<string, unknown> = {};
  for (const field of fields) {
    if (field === 'quota_usage') entry.quota_usage = ctx.world.quotaUsage(igUser, ctx.now());
    else if (field === 'config') entry.config = { quota_total: igUser.quotaTotal, quota_duration: QUOTA_DURATION_S };
    else throw invalidParameter(`Tried accessing nonexisting field (${field}) on node type (ContentPublishingLimit)`);
  }
  return { data: [entry] };
}

async function createContainer(ctx: RouteContext, igUserId: string): Promise<unknown> {
  authorised(ctx, igUserId);
  const { params } = ctx.request;
  const mediaType = optionalString(params, 'media_type')?.toUpperCase();
  const isCarouselItem = params.is_carousel_item === true || params.is_carousel_item === 'true';
  const caption = isCarouselItem ? undefined : optionalString(params, 'caption');
  if (caption !== undefined) validateCaption(caption);
  const altText = optionalString(params, 'alt_text');
  if (altText !== undefined && [...altText].length > 1000) throw invalidParameter('The parameter alt_text must be at most 1000 characters');
  const base = { igUserId, createdAt: ctx.now(), readyAt: ctx.now() + ctx.processingMs, isCarouselItem,
    ...(caption === undefined || caption === '' ? {} : { caption }), ...(altText === undefined ? {} : { altText }) };

  if (mediaType === 'CAROUSEL') {
    if (isCarouselItem) throw invalidParameter('A carousel cannot be a carousel item');
    const children = childIds(params.children);
    if (children.length < 2 || children.length > 10) throw carouselItemCount();
    for (const childId of children) {
      const child = ctx.world.containers.get(childId);
      if (child === undefined || child.igUserId !== igUserId || !child.isCarouselItem) throw mediaNotFound(childId);
    }
    return { id: withOutcome(ctx, ctx.world.addContainer({ ...base, kind: 'CAROUSEL', children })).id };
  }
  // Video, reels and stories are not emulated: InstaPost publishes images.
  if (mediaType !== undefined && mediaType !== 'IMAGE') throw unknownMediaType();
  const imageUrl = optionalString(params, 'image_url');
  if (imageUrl === undefined || imageUrl === '') throw invalidParameter('The parameter image_url is required');
  const fetched = await fetchImage(imageUrl, { timeoutMs: ctx.fetchTimeoutMs });
  if (!fetched.ok) throw fetched.error;
  return { id: withOutcome(ctx, ctx.world.addContainer({ ...base, kind: 'IMAGE', image: fetched.image, children: [] })).id };
}

function withOutcome(ctx: RouteContext, container: ContainerRecord): ContainerRecord {
  const outcome = ctx.takeForcedOutcome(container.igUserId);
  if (outcome !== undefined) container.forcedOutcome = outcome;
  return container;
}

function publish(ctx: RouteContext, igUserId: string): unknown {
  authorised(ctx, igUserId);
  const creationId = ctx.request.params.creation_id;
  if (creationId === undefined || creationId === '') throw invalidParameter('The parameter creation_id is required');
  const id = String(creationId);
  const container = ctx.world.containers.get(id);
  if (container === undefined || container.igUserId !== igUserId) throw mediaNotFound(id);
  if (container.isCarouselItem) throw invalidParameter('A carousel item cannot be published on its own; publish its carousel');
  const status = ctx.world.statusOf(container, ctx.now());
  if (status === 'EXPIRED') throw mediaExpired();
  // A PUBLISHED container fails too: what Meta answers then is not documented, but never a second post.
  if (status !== 'FINISHED') throw mediaNotReady();
  const igUser = ctx.world.igUsers.get(igUserId) as InstagramUserRecord;
  if (ctx.world.quotaUsage(igUser, ctx.now()) >= igUser.quotaTotal) throw publishingLimitReached();
  return { id: ctx.world.publish(container, ctx.now(), ctx.permalinkDelayMs).id };
}

function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`The parameter ${name} must be a string`);
  return value;
}

/** `children` as the guide writes it ("a,b,c") or as the reference does (an array, also JSON-encoded in a form). */
function childIds(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || raw.trim() === '') return [];
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      throw invalidParameter('The parameter children must be a list of container ids');
    }
  }
  return text.split(',').map((id) => id.trim()).filter((id) => id !== '');
}
