import { classifyGraphError } from './classifyGraphError.js';
import type { GraphClient } from './GraphClient.js';
import type { ConnectedAccount } from './instagramAccounts.js';

/** What a pasted Page token turned out to be. */
export type PageTokenLookup =
  | { status: 'ok'; account: ConnectedAccount; pageName: string | undefined }
  /** A valid token of a Page without an Instagram professional account linked. */
  | { status: 'no-instagram'; pageName: string | undefined }
  /** Meta refused the token (expired, revoked, not a token). */
  | { status: 'rejected' }
  /** Meta could not be asked (network, timeout, 5xx): try again later. */
  | { status: 'unavailable' };

/**
 * The connect flow's look-up (seed 5.2.2): the Page behind the token, its
 * `instagram_business_account`, and that account's username and followers. The token is
 * passed on to Graph only (in a header), never returned or logged.
 */
export async function lookUpPageToken(graph: GraphClient, pageToken: string): Promise<PageTokenLookup> {
  try {
    const page = await graph.getPage(pageToken);
    if (page.igUserId === undefined) return { status: 'no-instagram', pageName: page.pageName };
    const user = await graph.getInstagramUser(page.igUserId, pageToken);
    return {
      status: 'ok', pageName: page.pageName,
      account: { igUserId: user.id, pageId: page.pageId, username: user.username, followersCount: user.followersCount ?? null },
    };
  } catch (error) {
    const verdict = classifyGraphError(error);
    return verdict.kind === 'transient' ? { status: 'unavailable' } : { status: 'rejected' };
  }
}
