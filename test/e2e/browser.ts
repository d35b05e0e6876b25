import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../server/kernel/paths.js';

/** Debian's Chromium, never a downloaded one (DEVELOPERS.md; installed by .ci/run). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // playwright gives each launch a fresh, empty profile of its own
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** The e2e tests need the built client; build it once if a direct mocha run skipped `npm run build`. */
export function ensureClientBuilt(): void {
  if (fs.existsSync(path.join(projectRoot, 'dist', 'client', 'index.html'))) return;
  const result = spawnSync('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed');
}

/**
 * A fresh browser context (its own cookies: one user each) signed in as `username` through the login
 * page, on the home page. The context goes into `contexts` so the suite closes it afterwards.
 */
export async function signInPage(
  browser: Browser,
  baseUrl: string,
  username: string,
  contexts: BrowserContext[],
  options: { locale?: string; password?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({ locale: options.locale ?? 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(options.password ?? 'demo1234');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('home-page').waitFor();
  return page;
}
