import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from './runCommand.js';

/** Where a browser test's screenshot goes when it fails (ignored by git). */
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-results', 'screenshots');

const CHROMIUM = '/usr/bin/chromium';

/**
 * Why browser tests are skipped: Debian's Chromium is not installed (a newcomer's machine; the
 * rest of npm test runs). In CI its absence is an error, not a skip: .ci/run installs it.
 */
export const needsChromium = existsSync(CHROMIUM) ? false : "needs Debian's Chromium at /usr/bin/chromium: apt-get install chromium (.ci/run installs it)";
if (needsChromium && process.env.CI) throw new Error(`CI is set but ${needsChromium}`);

/**
 * Debian's Chromium (`apt-get install chromium`; .ci/run installs it), driven by
 * playwright-core, which never downloads a browser. One browser per test file.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Runs `body` with a fresh page (its own cookies) and closes it; when `body` throws, a
 * full-page screenshot is saved under test-results/screenshots/ first and named in the error.
 */
export async function withPage(browser: Browser, name: string, body: (page: Page) => Promise<void>, options: { viewport?: { width: number; height: number } } = {}): Promise<void> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  try {
    await body(page);
  } catch (error) {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w-]+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    if (error instanceof Error) error.message += `\n(screenshot: ${file})`;
    throw error;
  } finally {
    await context.close();
  }
}
