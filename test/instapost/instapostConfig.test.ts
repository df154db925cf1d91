import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { ConfigError } from '../../shared/config/parseEnv.js';
import { parseInstapostConfig } from '../../shared/modules/instapost/instapostConfig.js';
import { createInstapostServices } from '../../shared/modules/instapost/InstapostServices.js';

const key = randomBytes(32).toString('base64');
const minimal = { DROPBOX_APP_KEY: 'k', DROPBOX_APP_SECRET: 's', DROPBOX_REFRESH_TOKEN: 'r', ENCRYPTION_KEY: key };

describe('InstaPost configuration', () => {
  test('production defaults: graph.facebook.com v25.0 and Dropbox\'s two hosts', () => {
    const config = parseInstapostConfig(minimal);
    assert.deepEqual(config.graph, { root: 'https://graph.facebook.com', version: 'v25.0' });
    assert.deepEqual(config.dropbox, { apiRoot: 'https://api.dropboxapi.com', contentRoot: 'https://content.dropboxapi.com',
      appKey: 'k', appSecret: 's', refreshToken: 'r' });
    assert.equal(config.keyring.current.key.toString('base64'), key);
    assert.deepEqual(config.container, { pollMs: 3000, waitMs: 0 });
  });

  test('the container poll interval and wait are set by variables, and reach the services', () => {
    const config = parseInstapostConfig({ ...minimal, INSTAGRAM_CONTAINER_POLL_MS: '500', INSTAGRAM_CONTAINER_WAIT_MS: '9000' });
    const services = createInstapostServices(config);
    assert.deepEqual([services.containerPollMs, services.containerWaitMs], [500, 9000]);
    assert.throws(() => parseInstapostConfig({ ...minimal, INSTAGRAM_CONTAINER_POLL_MS: '10', INSTAGRAM_CONTAINER_WAIT_MS: 'soon' }),
      (error: unknown) => error instanceof ConfigError && /INSTAGRAM_CONTAINER_POLL_MS must be at least 100/.test(error.message)
        && /INSTAGRAM_CONTAINER_WAIT_MS must be a number of milliseconds/.test(error.message));
  });

  test('the variables point it at emulators', () => {
    const config = parseInstapostConfig({ ...minimal, INSTAGRAM_GRAPH_API_ROOT: 'http://127.0.0.1:9001', INSTAGRAM_GRAPH_API_VERSION: 'v26.0',
      DROPBOX_API_ROOT: 'http://127.0.0.1:9002', DROPBOX_CONTENT_ROOT: 'http://127.0.0.1:9003', ENCRYPTION_KEY_PREVIOUS: randomBytes(32).toString('base64') });
    assert.deepEqual(config.graph, { root: 'http://127.0.0.1:9001', version: 'v26.0' });
    assert.equal(config.dropbox.contentRoot, 'http://127.0.0.1:9003');
  });

  test('every missing or bad variable is named at once, and no secret is echoed', () => {
    assert.throws(() => parseInstapostConfig({ INSTAGRAM_GRAPH_API_VERSION: '25' }), (error: unknown) => error instanceof ConfigError &&
      ['DROPBOX_APP_KEY', 'DROPBOX_APP_SECRET', 'DROPBOX_REFRESH_TOKEN', 'ENCRYPTION_KEY', 'INSTAGRAM_GRAPH_API_VERSION']
        .every((name) => error.issues.some((issue) => issue.includes(name))));
    const shortKey = Buffer.from('sixteen byte key').toString('base64');
    assert.throws(() => parseInstapostConfig({ ...minimal, ENCRYPTION_KEY: shortKey }),
      (error: unknown) => error instanceof ConfigError && /ENCRYPTION_KEY: must decode to 32 bytes/.test(error.message) && !error.message.includes(shortKey));
  });
});
