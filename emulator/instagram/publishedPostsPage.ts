import { graphTimestamp } from './graphFields.js';
import type { GraphWorld } from './GraphWorld.js';

/** Escapes text for HTML element content and quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * The emulated Instagram as a person sees it: each account with its published posts, newest
 * first, images included (served by the emulator at `imagePath`). For the sandbox: a newcomer
 * posts from the Telegram sandbox and sees the result here. With `showTokens` (the sandbox only:
 * the emulator's tokens open nothing real) each account's Page token is shown for /account.
 * Every value is escaped.
 */
export function publishedPostsPage(world: GraphWorld, imagePath: (mediaId: string, index: number) => string, showTokens = false): string {
  const accounts = [...world.igUsers.values()].map((igUser) => {
    const posts = [...igUser.mediaIds].reverse().map((id) => world.media.get(id)).filter((media) => media !== undefined);
    const items = posts.map((media) => `
      <article class="post" id="media-${escapeHtml(media.id)}">
        <div class="images">${media.images.map((image, index) =>
          `<img src="${escapeHtml(imagePath(media.id, index))}" width="${image.width}" height="${image.height}" alt="${escapeHtml(media.altText ?? `image ${index + 1}`)}">`).join('')}</div>
        <p class="caption">${escapeHtml(media.caption ?? '')}</p>
        <p class="meta">${media.mediaType === 'CAROUSEL_ALBUM' ? `carousel of ${media.images.length} · ` : ''}${escapeHtml(graphTimestamp(media.publishedAt))} · https://www.instagram.com/p/${escapeHtml(media.shortcode)}/ · media id ${escapeHtml(media.id)}</p>
      </article>`).join('');
    return `
    <section class="account">
      <h2>@${escapeHtml(igUser.username)} <span class="meta">${igUser.followersCount} followers · ${posts.length} posts · Instagram id ${escapeHtml(igUser.id)}</span></h2>
      ${showTokens ? `<p class="meta">Page access token (paste it into the bot's /account): <code class="token">${escapeHtml(world.pages.get(igUser.pageId)?.token ?? '')}</code></p>` : ''}
      ${items === '' ? '<p class="meta">No posts yet.</p>' : items}
    </section>`;
  }).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Emulated Instagram</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 760px; padding: 16px; color: #1b1f23; }
  h1 { font-size: 20px; } h2 { font-size: 16px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  .post { border: 1px solid #ddd; border-radius: 8px; padding: 8px; margin: 12px 0; }
  .images { display: flex; gap: 4px; overflow-x: auto; } .images img { height: 240px; width: auto; border-radius: 4px; }
  .caption { white-space: pre-wrap; } .token { word-break: break-all; user-select: all; } .meta { color: #889; font-size: 12px; font-weight: normal; }
</style>
</head>
<body>
<h1>Emulated Instagram: published posts</h1>
${accounts === '' ? '<p class="meta">No accounts yet.</p>' : accounts}
</body>
</html>
`;
}
