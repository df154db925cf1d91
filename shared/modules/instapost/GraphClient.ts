import * as z from 'zod';
import { GraphApiError, GraphTransportError } from './GraphApiError.js';

/** Meta's Graph host: the production default of INSTAGRAM_GRAPH_API_ROOT. */
export const DEFAULT_GRAPH_API_ROOT = 'https://graph.facebook.com';
/** The production default of INSTAGRAM_GRAPH_API_VERSION (v25.0: released 2026-02, available until 2028-07). */
export const DEFAULT_GRAPH_API_VERSION = 'v25.0';

/** Options of {@link GraphClient}. */
export interface GraphClientOptions {
  /** INSTAGRAM_GRAPH_API_ROOT. @default 'https://graph.facebook.com' */
  root?: string;
  /** INSTAGRAM_GRAPH_API_VERSION. @default 'v25.0' */
  version?: string;
  /**
   * Deadline of each call, ms. Meta fetches the image while `POST /media` waits, so this must
   * cover a slow image download. @default 30000
   */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A container's processing state (IG Container `status_code`). */
export type ContainerStatusCode = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

// Graph ids are decimal strings above 2^53: validated as strings, so an id that arrived as a
// JSON number (and so already lost digits) fails here instead of naming the wrong object.
const graphId = z.string().regex(/^\d+$/, 'a Graph id (a decimal string)');
const idOnly = z.object({ id: graphId });

const pageSchema = z.object({ id: graphId, name: z.string().optional(), instagram_business_account: idOnly.optional() });
const igUserSchema = z.object({
  id: graphId, username: z.string(), name: z.string().optional(), followers_count: z.number().int().optional(),
  media_count: z.number().int().optional(), profile_picture_url: z.string().optional(),
});
const containerSchema = z.object({
  id: graphId, status_code: z.enum(['IN_PROGRESS', 'FINISHED', 'ERROR', 'EXPIRED', 'PUBLISHED']), status: z.string().optional(),
});
const mediaSchema = z.object({
  id: graphId, permalink: z.string().optional(), timestamp: z.string().optional(), media_type: z.string().optional(),
  media_product_type: z.string().optional(), shortcode: z.string().optional(),
});
const limitSchema = z.object({
  data: z.array(z.object({ quota_usage: z.number().int(), config: z.object({ quota_total: z.number().int(), quota_duration: z.number().int() }) }))
    .min(1),
});

/** A Page as the connect flow sees it: its Instagram business account, if it has one. */
export interface PageWithInstagram {
  pageId: string;
  pageName: string | undefined;
  /** undefined: the Page has no Instagram professional account linked (the token cannot publish). */
  igUserId: string | undefined;
}

/** An Instagram professional account. */
export interface InstagramUser {
  id: string;
  username: string;
  name: string | undefined;
  followersCount: number | undefined;
  mediaCount: number | undefined;
}

/** content_publishing_limit: posts published in the rolling window and what the API allows. */
export interface PublishingLimit {
  quotaUsage: number;
  /** As Meta reports it (its docs say 25, 50 or 100 in different places; never assume one). */
  quotaTotal: number;
  quotaDurationS: number;
}

/** A published post as read back. */
export interface InstagramMedia {
  id: string;
  permalink: string | undefined;
  timestamp: string | undefined;
  mediaType: string | undefined;
  shortcode: string | undefined;
}

/**
 * The Instagram Graph API (Facebook Login path) as InstaPost uses it. Every call has a deadline;
 * the token goes in an `Authorization: Bearer` header, never in a URL; ids stay strings.
 * Failures throw {@link GraphApiError} (Meta answered an error) or {@link GraphTransportError}
 * (no usable answer); `classifyGraphError` says what to do about either.
 *
 * @example
 * const graph = new GraphClient({ root: config.graphApiRoot, version: config.graphApiVersion });
 * const page = await graph.getPage(pageToken);
 */
export class GraphClient {
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: GraphClientOptions = {}) {
    this.#base = `${(options.root ?? DEFAULT_GRAPH_API_ROOT).replace(/\/+$/, '')}/${options.version ?? DEFAULT_GRAPH_API_VERSION}`;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** `GET /me` with a Page token: the Page and its `instagram_business_account`. */
  async getPage(pageToken: string): Promise<PageWithInstagram> {
    const page = await this.request('GET', '/me', pageToken, { fields: 'id,name,instagram_business_account' }, pageSchema);
    return { pageId: page.id, pageName: page.name, igUserId: page.instagram_business_account?.id };
  }

  /** `GET /{ig-user-id}`: username, name, followers, media count. */
  async getInstagramUser(igUserId: string, token: string): Promise<InstagramUser> {
    const user = await this.request('GET', `/${igUserId}`, token, { fields: 'id,username,name,followers_count,media_count' }, igUserSchema);
    return { id: user.id, username: user.username, name: user.name, followersCount: user.followers_count, mediaCount: user.media_count };
  }

  /**
   * `POST /{ig-user-id}/media` for one image (Meta fetches `imageUrl` during the call). A
   * carousel item takes no caption. Returns the container id: store it before publishing.
   */
  async createImageContainer(igUserId: string, token: string,
    image: { imageUrl: string; caption?: string; altText?: string; isCarouselItem?: boolean }): Promise<string> {
    const params: Record<string, string> = { image_url: image.imageUrl };
    if (image.isCarouselItem === true) params.is_carousel_item = 'true';
    else if (image.caption !== undefined && image.caption !== '') params.caption = image.caption;
    if (image.altText !== undefined && image.altText !== '') params.alt_text = image.altText;
    return (await this.request('POST', `/${igUserId}/media`, token, params, idOnly)).id;
  }

  /** `POST /{ig-user-id}/media` with `media_type=CAROUSEL` and 2–10 child container ids. */
  async createCarouselContainer(igUserId: string, token: string, carousel: { children: readonly string[]; caption?: string }): Promise<string> {
    const params: Record<string, string> = { media_type: 'CAROUSEL', children: carousel.children.join(',') };
    if (carousel.caption !== undefined && carousel.caption !== '') params.caption = carousel.caption;
    return (await this.request('POST', `/${igUserId}/media`, token, params, idOnly)).id;
  }

  /** `GET /{container-id}?fields=status_code,status`. */
  async getContainer(containerId: string, token: string): Promise<{ id: string; statusCode: ContainerStatusCode; status: string | undefined }> {
    const container = await this.request('GET', `/${containerId}`, token, { fields: 'id,status_code,status' }, containerSchema);
    return { id: container.id, statusCode: container.status_code, status: container.status };
  }

  /**
   * `POST /{ig-user-id}/media_publish`: irreversible. Returns the media id: store it at once. On
   * a GraphTransportError the post may be live: read the container's status, never call again blindly.
   */
  async publish(igUserId: string, token: string, containerId: string): Promise<string> {
    return (await this.request('POST', `/${igUserId}/media_publish`, token, { creation_id: containerId }, idOnly)).id;
  }

  /** `GET /{media-id}`: permalink and timestamp (may fail with 100/33 for a while after publishing). */
  async getMedia(mediaId: string, token: string): Promise<InstagramMedia> {
    const media = await this.request('GET', `/${mediaId}`, token, { fields: 'id,permalink,timestamp,media_type,shortcode' }, mediaSchema);
    return { id: media.id, permalink: media.permalink, timestamp: media.timestamp, mediaType: media.media_type, shortcode: media.shortcode };
  }

  /** `GET /{ig-user-id}/content_publishing_limit?fields=config,quota_usage`. */
  async getPublishingLimit(igUserId: string, token: string): Promise<PublishingLimit> {
    const limit = await this.request('GET', `/${igUserId}/content_publishing_limit`, token, { fields: 'config,quota_usage' }, limitSchema);
    const [entry] = limit.data;
    if (entry === undefined) throw new GraphTransportError(`GET /${igUserId}/content_publishing_limit`, 'bad-response');
    return { quotaUsage: entry.quota_usage, quotaTotal: entry.config.quota_total, quotaDurationS: entry.config.quota_duration };
  }

  /**
   * One call: GET parameters in the query string, POST parameters as a form body, the token in
   * the Authorization header, the answer checked against `schema`.
   */
  async request<T>(method: 'GET' | 'POST', path: string, token: string, params: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
    const call = `${method} ${path}`;
    const url = new URL(`${this.#base}${path}`);
    if (method === 'GET') for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(method === 'POST' ? { body: new URLSearchParams(params).toString() } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await res.text();
    } catch (error) {
      throw new GraphTransportError(call, error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network', error);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new GraphTransportError(call, 'bad-response', error);
    }
    if (!res.ok) {
      const error = (body as { error?: unknown } | null)?.error;
      if (typeof error !== 'object' || error === null) throw new GraphTransportError(call, 'bad-response');
      throw new GraphApiError(call, res.status, error as ConstructorParameters<typeof GraphApiError>[2]);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new GraphTransportError(call, 'bad-response', parsed.error);
    return parsed.data;
  }
}
