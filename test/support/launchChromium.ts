import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from './runCommand.js';

/** Where a browser test's screenshot goes when it fails (ignored by git). */
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-results', 'screenshots');

/**
 * Debian's Chromium (`apt-get install chromium`; .ci/run installs it), driven by
 * playwright-core, which never downloads a browser. One browser per test file.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
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
