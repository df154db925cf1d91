import { randomBytes } from 'node:crypto';
import { GraphIdSequence } from './graphIds.js';

/** A Facebook user who manages Pages (the person who made the token). */
export interface FacebookUserRecord {
  id: string;
  name: string;
  /** Their user access token. */
  token: string;
}

/** A Facebook Page, linked or not to an Instagram professional account. */
export interface PageRecord {
  id: string;
  name: string;
  category: string;
  ownerId: string;
  /** The Page access token (what InstaPost users paste into the bot). */
  token: string;
  igUserId?: string;
}

/** An Instagram professional (business or creator) account. */
export interface InstagramUserRecord {
  id: string;
  username: string;
  name: string;
  biography: string;
  followersCount: number;
  followsCount: number;
  pageId: string;
  /** What content_publishing_limit reports as quota_total and media_publish enforces. */
  quotaTotal: number;
  /** When each post was published (ms), for the rolling 24-hour quota. */
  publishedAt: number[];
  /** Published media ids, oldest first. */
  mediaIds: string[];
}

/** What a token may do, and whether Meta still honours it. */
export interface TokenRecord {
  token: string;
  kind: 'user' | 'page';
  userId: string;
  pageId?: string;
  /** Set once revoked: the 190 subcode its calls then fail with. */
  revokedSubcode?: number;
}

/** An image the emulator fetched from an `image_url`. */
export interface FetchedImage {
  url: string;
  bytes: Buffer;
  width: number;
  height: number;
}

/** The status_code values of an IG container. */
export type ContainerStatusCode = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

/** A media container made by `POST /{ig-user-id}/media`. */
export interface ContainerRecord {
  id: string;
  igUserId: string;
  kind: 'IMAGE' | 'CAROUSEL';
  isCarouselItem: boolean;
  image?: FetchedImage;
  caption?: string;
  altText?: string;
  /** Child container ids of a carousel, in order. */
  children: string[];
  createdAt: number;
  /** IN_PROGRESS until then (emulator clock, ms). */
  readyAt: number;
  /** Set by `failNextContainers`: what processing ends in instead of FINISHED. */
  forcedOutcome?: { status: 'ERROR'; subcode: number } | { status: 'EXPIRED' };
  /** Set the moment media_publish succeeds. */
  publishedMediaId?: string;
}

/** A published post. */
export interface MediaRecord {
  id: string;
  igUserId: string;
  containerId: string;
  mediaType: 'IMAGE' | 'CAROUSEL_ALBUM';
  caption?: string;
  altText?: string;
  /** The images as published, in carousel order (one for a single image). */
  images: FetchedImage[];
  publishedAt: number;
  shortcode: string;
  /** Before this time (ms) reading the media fails with 100/33, as Meta sometimes does right after publishing. */
  readableAt: number;
}

/** Containers expire when not published within 24 hours (Meta's IG User Media reference). */
export const CONTAINER_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** content_publishing_limit's quota_duration: a rolling 24 hours. */
export const QUOTA_DURATION_S = 86_400;

/**
 * The emulated Meta side: users, Pages, Instagram accounts, tokens, containers and media. Ids
 * come from separate sequences that look like Meta's (IG user ids start 178414…).
 */
export class GraphWorld {
  readonly users = new Map<string, FacebookUserRecord>();
  readonly pages = new Map<string, PageRecord>();
  readonly igUsers = new Map<string, InstagramUserRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly containers = new Map<string, ContainerRecord>();
  readonly media = new Map<string, MediaRecord>();

  readonly #userIds = new GraphIdSequence(10_000_000_000_000_001n);
  readonly #pageIds = new GraphIdSequence(10_300_000_000_000_001n);
  readonly #igUserIds = new GraphIdSequence(17_841_400_000_000_001n);
  readonly #containerIds = new GraphIdSequence(17_889_600_000_000_001n);
  readonly #mediaIds = new GraphIdSequence(17_912_300_000_000_001n);

  /** A user with a fresh user token. */
  addUser(name: string): FacebookUserRecord {
    const user = { id: this.#userIds.next(), name, token: newToken() };
    this.users.set(user.id, user);
    this.tokens.set(user.token, { token: user.token, kind: 'user', userId: user.id });
    return user;
  }

  /** A Page owned by `owner`, with a fresh Page token. */
  addPage(owner: FacebookUserRecord, name: string, category = 'Digital creator'): PageRecord {
    const page: PageRecord = { id: this.#pageIds.next(), name, category, ownerId: owner.id, token: newToken() };
    this.pages.set(page.id, page);
    this.tokens.set(page.token, { token: page.token, kind: 'page', userId: owner.id, pageId: page.id });
    return page;
  }

  /** Links a new Instagram professional account to `page`. */
  addInstagramUser(page: PageRecord, fields: Omit<InstagramUserRecord, 'id' | 'pageId' | 'publishedAt' | 'mediaIds'>): InstagramUserRecord {
    const igUser: InstagramUserRecord = { ...fields, id: this.#igUserIds.next(), pageId: page.id, publishedAt: [], mediaIds: [] };
    this.igUsers.set(igUser.id, igUser);
    page.igUserId = igUser.id;
    return igUser;
  }

  addContainer(fields: Omit<ContainerRecord, 'id'>): ContainerRecord {
    const container = { ...fields, id: this.#containerIds.next() };
    this.containers.set(container.id, container);
    return container;
  }

  /** Publishes a FINISHED container: the media, the quota entry, the container marked PUBLISHED. */
  publish(container: ContainerRecord, now: number, readableAfterMs: number): MediaRecord {
    const igUser = this.igUsers.get(container.igUserId);
    if (igUser === undefined) throw new Error(`container ${container.id} has no account`);
    const images = container.kind === 'IMAGE'
      ? [container.image].filter((image) => image !== undefined)
      : container.children.map((id) => this.containers.get(id)?.image).filter((image) => image !== undefined);
    const id = this.#mediaIds.next();
    const media: MediaRecord = {
      id, igUserId: igUser.id, containerId: container.id,
      mediaType: container.kind === 'IMAGE' ? 'IMAGE' : 'CAROUSEL_ALBUM',
      images, publishedAt: now, shortcode: shortcodeOf(id), readableAt: now + readableAfterMs,
      ...(container.caption === undefined ? {} : { caption: container.caption }),
      ...(container.altText === undefined ? {} : { altText: container.altText }),
    };
    this.media.set(id, media);
    container.publishedMediaId = id;
    igUser.publishedAt.push(now);
    igUser.mediaIds.push(id);
    return media;
  }

  /** A container's status_code at `now`; a carousel follows its children. */
  statusOf(container: ContainerRecord, now: number): ContainerStatusCode {
    if (container.publishedMediaId !== undefined) return 'PUBLISHED';
    if (now >= container.createdAt + CONTAINER_LIFETIME_MS) return 'EXPIRED';
    if (now < container.readyAt) return 'IN_PROGRESS';
    if (container.forcedOutcome !== undefined) return container.forcedOutcome.status;
    if (container.kind === 'CAROUSEL') {
      const children = container.children.map((id) => this.containers.get(id));
      const statuses = children.map((child) => (child === undefined ? 'ERROR' : this.statusOf(child, now)));
      if (statuses.some((status) => status === 'ERROR' || status === 'EXPIRED')) return 'ERROR';
      if (statuses.some((status) => status === 'IN_PROGRESS')) return 'IN_PROGRESS';
    }
    return 'FINISHED';
  }

  /** Posts published in the last 24 hours before `now`: content_publishing_limit's quota_usage. */
  quotaUsage(igUser: InstagramUserRecord, now: number): number {
    return igUser.publishedAt.filter((at) => at > now - QUOTA_DURATION_S * 1000).length;
  }

  /** Whether `token` may read or act on the object with this id. */
  canAccess(token: TokenRecord, id: string): boolean {
    const pageIds = token.kind === 'page'
      ? [token.pageId]
      : [...this.pages.values()].filter((page) => page.ownerId === token.userId).map((page) => page.id);
    if (token.kind === 'user' && id === token.userId) return true;
    if (pageIds.includes(id)) return true;
    const igUserIds = pageIds.map((pageId) => this.pages.get(pageId ?? '')?.igUserId).filter((igId) => igId !== undefined);
    const owner = this.igUsers.get(id)?.id ?? this.containers.get(id)?.igUserId ?? this.media.get(id)?.igUserId;
    return owner !== undefined && igUserIds.includes(owner);
  }
}

/** Meta's tokens are long opaque strings starting "EAA"; so are these. */
function newToken(): string {
  return `EAA${randomBytes(60).toString('base64url')}`;
}

/** An Instagram-style 11-character shortcode derived from the media id. */
function shortcodeOf(mediaId: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let n = BigInt(mediaId);
  let code = '';
  while (n > 0n) {
    code = alphabet[Number(n % 64n)] + code;
    n /= 64n;
  }
  return code.padStart(11, 'C');
}
