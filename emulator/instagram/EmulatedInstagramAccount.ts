import type { FetchedImage, GraphWorld, InstagramUserRecord, PageRecord } from './GraphWorld.js';

/** A post as the emulated Instagram shows it. */
export interface PublishedPost {
  /** The IG media id `media_publish` answered with. */
  id: string;
  containerId: string;
  mediaType: 'IMAGE' | 'CAROUSEL_ALBUM';
  caption?: string;
  altText?: string;
  /** The images as Instagram fetched them, in carousel order. */
  images: readonly FetchedImage[];
  /** ms on the emulator's clock. */
  publishedAt: number;
  permalink: string;
}

/**
 * A Facebook Page with its linked Instagram professional account, as a test or the sandbox
 * holds it: the tokens a user would paste, the ids, the posts published so far.
 */
export class EmulatedInstagramAccount {
  readonly #world: GraphWorld;
  readonly #page: PageRecord;

  constructor(world: GraphWorld, page: PageRecord) {
    this.#world = world;
    this.#page = page;
  }

  get pageId(): string {
    return this.#page.id;
  }

  /** The Page access token (what a user pastes into /account). */
  get pageToken(): string {
    return this.#page.token;
  }

  /** The token of the Facebook user who manages the Page (for `/me/accounts`). */
  get userToken(): string {
    return this.#world.users.get(this.#page.ownerId)?.token ?? '';
  }

  /** The Instagram user id, or undefined for a Page without an Instagram account. */
  get igUserId(): string | undefined {
    return this.#page.igUserId;
  }

  get username(): string | undefined {
    return this.#igUser?.username;
  }

  /** What content_publishing_limit reports and media_publish enforces per rolling 24 hours. */
  get quotaTotal(): number {
    return this.#igUser?.quotaTotal ?? 0;
  }

  set quotaTotal(total: number) {
    const igUser = this.#igUser;
    if (igUser === undefined) throw new Error(`Page ${this.pageId} has no Instagram account`);
    igUser.quotaTotal = total;
  }

  /** Published posts, oldest first. */
  get posts(): PublishedPost[] {
    const igUser = this.#igUser;
    if (igUser === undefined) return [];
    return igUser.mediaIds.map((id) => this.#world.media.get(id)).filter((media) => media !== undefined).map((media) => ({
      id: media.id, containerId: media.containerId, mediaType: media.mediaType, images: media.images, publishedAt: media.publishedAt,
      permalink: `https://www.instagram.com/p/${media.shortcode}/`,
      ...(media.caption === undefined ? {} : { caption: media.caption }),
      ...(media.altText === undefined ? {} : { altText: media.altText }),
    }));
  }

  /**
   * Invalidates the Page token (and the user's): every call with it then fails with 190 and
   * this subcode (460: password changed, 463: expired, 458: app removed...). @default 460
   */
  revokeTokens(subcode = 460): void {
    for (const token of [this.pageToken, this.userToken]) {
      const record = this.#world.tokens.get(token);
      if (record !== undefined) record.revokedSubcode = subcode;
    }
  }

  get #igUser(): InstagramUserRecord | undefined {
    return this.#page.igUserId === undefined ? undefined : this.#world.igUsers.get(this.#page.igUserId);
  }
}
