import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseLocalConfig } from '../../local/localConfig.js';
import { type LocalApp, startApp } from '../../local/startApp.js';
import { DropboxStorage } from '../../shared/modules/instapost/DropboxStorage.js';
import { GraphClient } from '../../shared/modules/instapost/GraphClient.js';
import { parseInstapostConfig } from '../../shared/modules/instapost/instapostConfig.js';
import { jpeg } from '../support/testImages.js';
import { testLogger } from '../support/testLogger.js';

describe('npm start in sandbox mode has Instagram and Dropbox too', () => {
  let app: LocalApp;
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'growthbot-'));
    app = await startApp({ ...parseLocalConfig({ PORT: '0', SHUTDOWN_TIMEOUT_MS: '1000', DATA_DIR: dataDir }), databaseUrl: undefined }, testLogger);
  });
  after(async () => {
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('the sandbox page links to the emulated Instagram, which shows a pretend account and its Page token', async () => {
    const sandbox = await (await fetch(`${app.url}/sandbox`)).text();
    assert.match(sandbox, /<a href="\/emulator\/posts"[^>]*>Emulated Instagram: accounts and published posts<\/a>/);
    const posts = await fetch(`${app.url}/emulator/posts`);
    assert.equal(posts.status, 200);
    const html = await posts.text();
    assert.match(html, /@sandbox_studio/);
    const token = app.instagram?.accounts[0]?.pageToken ?? '';
    assert.ok(token.length > 20 && html.includes(token), 'the newcomer can copy the token for /account');
  });

  test('InstaPost\'s variables point at the emulators: connect, upload, publish, and the post shows on the page', async () => {
    const config = parseInstapostConfig(app.instapostEnv ?? {});
    const graph = new GraphClient(config.graph);
    const account = app.instagram?.accounts[0];
    const page = await graph.getPage(account?.pageToken ?? '');
    assert.equal((await graph.getInstagramUser(page.igUserId ?? '', account?.pageToken ?? '')).username, 'sandbox_studio');
    const storage = new DropboxStorage(config.dropbox);
    await storage.upload('/sandbox/1.jpg', await jpeg(1080, 1080));
    const containerId = await graph.createImageContainer(page.igUserId ?? '', account?.pageToken ?? '',
      { imageUrl: await storage.temporaryLink('/sandbox/1.jpg'), caption: 'First sandbox post' });
    // The container needs its processing time (2 s by default); poll its status as a publisher would.
    let status = (await graph.getContainer(containerId, account?.pageToken ?? '')).statusCode;
    while (status === 'IN_PROGRESS') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await graph.getContainer(containerId, account?.pageToken ?? '')).statusCode;
    }
    await graph.publish(page.igUserId ?? '', account?.pageToken ?? '', containerId);
    assert.match(await (await fetch(`${app.url}/emulator/posts`)).text(), /First sandbox post/);
  });
});
