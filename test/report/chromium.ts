// Headless Chromium for the report tests: Debian's /usr/bin/chromium driven by playwright-core
// (no browser is ever downloaded), a fresh profile per page, every request that leaves the file
// refused.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `skipping the browser tests of the HTML report: ${CHROMIUM} is missing (apt-get install chromium)`,
  );
}

/** Opens `html` at the given viewport, waits for plotly to draw, runs `check`, saves a full-page screenshot. */
export async function withPage<T>(
  html: string,
  screenshot: string,
  check: (page: Page, errors: string[]) => Promise<T>,
  viewport = { width: 1600, height: 1000 },
): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'odeflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
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
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.route(/^(?!file:)/, (route) => {
      errors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(resolve(html)).href);
    await page.waitForFunction(
      () => {
        const figs = Array.from(document.querySelectorAll('.fig'));
        return figs.length > 0 && figs.every((d) => d.querySelector('.main-svg'));
      },
      null,
      { timeout: 60_000 },
    );
    const result = await check(page, errors);
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    return result;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** A box on the page. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether two boxes share any area. */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * For each figure: the bounding boxes of its title and of plotly's toolbar, the toolbar made
 * visible by hovering the figure (it is laid out, but transparent, until then).
 */
export async function titleAndToolbarBoxes(
  page: Page,
): Promise<{ id: string; title: Box | null; toolbar: Box | null }[]> {
  const ids = await page.$$eval('.fig', (els) => els.map((e) => e.id));
  const out: { id: string; title: Box | null; toolbar: Box | null }[] = [];
  for (const id of ids) {
    await page.hover(`#${id}`, { position: { x: 20, y: 20 } });
    const title = await page.locator(`#${id} .gtitle`).first().boundingBox();
    const toolbar = await page.locator(`#${id} .modebar`).first().boundingBox();
    out.push({ id, title, toolbar });
  }
  return out;
}
