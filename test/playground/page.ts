// Opens the built playground (dist-playground/index.html, from file://) in Debian's headless
// Chromium through playwright-core, and drives it. Shared by the test and bench/playground.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); no browser is ever downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
export const PAGE = resolve('dist-playground/index.html');

/** Builds the static site (`npm run build:playground`). */
export function buildPlayground(): void {
  execFileSync('npx', ['vite', 'build', '--config', 'playground/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (!existsSync(PAGE)) throw new Error(`the build wrote no ${PAGE}`);
}

/** Headless Chromium with the flags CI uses (no GPU flags: WebGL runs on SwiftShader). */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** What `window.playground.state()` returns. */
export interface PageState {
  ready: boolean;
  status?: { running: boolean; iteration: number; testNll?: number; itsPerSec?: number; model: string };
  history: { iteration: number; loss: number | null; testNll?: number }[];
  viewsCount: number;
  errors: string[];
  drawn: number;
}

/** An open playground page and every console error, page error and network request it made. */
export interface Opened {
  page: Page;
  problems: string[];
  state(): Promise<PageState>;
  close(): Promise<void>;
}

/** Opens the page with `?backend=NAME` (or the automatic choice) and waits until it is ready. */
export async function openPage(browser: Browser, backend?: string): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1000 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  // the site is self-contained: any request that leaves the file is a defect
  await page.route(/^(?!(file|blob|data):)/, (route) => {
    problems.push(`network request: ${route.request().url()}`);
    return route.abort();
  });
  const url = pathToFileURL(PAGE).href + (backend ? `?backend=${backend}` : '');
  await page.goto(url);
  await page.waitForFunction(
    () => (window as never as { playground?: { state(): PageState } }).playground?.state().ready,
    null,
    {
      timeout: 60_000,
    },
  );
  const state = (): Promise<PageState> =>
    page.evaluate(() => (window as never as { playground: { state(): PageState } }).playground.state());
  return { page, problems, state, close: () => context.close() };
}

/** Sets a text/number input and fires its change event. */
export async function setInput(page: Page, id: string, value: string): Promise<void> {
  await page.fill(`#${id}`, value);
  await page.dispatchEvent(`#${id}`, 'change');
}

/** Waits until training has paused at iteration ≥ `iteration`. */
export async function waitPaused(o: Opened, iteration: number, timeout = 170_000): Promise<PageState> {
  await o.page.waitForFunction(
    (it) => {
      const s = (window as never as { playground: { state(): PageState } }).playground.state();
      return (s.status && !s.status.running && s.status.iteration >= it) || s.errors.length > 0;
    },
    iteration,
    { timeout, polling: 250 },
  );
  return o.state();
}

/** log p at points through the page's model. */
export function pageLogProb(page: Page, points: number[]): Promise<number[]> {
  return page.evaluate(
    (p) =>
      (window as never as { playground: { logProb(p: number[]): Promise<number[]> } }).playground.logProb(p),
    points,
  );
}

/** Waits until the page has drawn views at least `count` times in all. */
export async function waitViews(page: Page, count: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (n) => (window as never as { playground: { state(): PageState } }).playground.state().viewsCount >= n,
    count,
    { timeout, polling: 250 },
  );
}
