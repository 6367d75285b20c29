// Loads CLI HTML reports in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is ever downloaded) and checks that the plots rendered: plotly's
// SVG/canvas nodes exist and the page raised no errors. Saves a screenshot of each report under
// test-output/report/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = 'test-output/report';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `skipping the browser test of the HTML report: ${CHROMIUM} is missing (apt-get install chromium)`,
  );
}

const silent = { write: () => true, isTTY: false };

async function renderCheck(html: string, screenshot: string) {
  const profile = mkdtempSync(join(tmpdir(), 'odeflow-chromium-'));
  // a fresh profile per run (playwright passes it as --user-data-dir)
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
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
    // the report is self-contained: refuse any request that leaves the file
    await page.route(/^(?!file:)/, (route) => {
      errors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(resolve(html)).href);
    await page.waitForFunction(() => document.querySelectorAll('.fig .main-svg').length > 0, null, {
      timeout: 30_000,
    });
    const counts = await page.evaluate(() => ({
      figs: document.querySelectorAll('.fig').length,
      drawn: Array.from(document.querySelectorAll('.fig')).filter((d) => d.querySelector('.main-svg')).length,
      svg: document.querySelectorAll('svg.main-svg').length,
      canvas: document.querySelectorAll('.fig canvas').length,
    }));
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    return { counts, errors };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(!hasChromium)('CLI HTML report in headless Chromium', () => {
  it('cnf on 8gaussians: every figure is drawn, no page errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeflow-report-'));
    const code = await main(
      ['train', '--data', '8gaussians', '--iters', '5', '--eval-every', '5', '--out', dir, '--quiet'],
      { stdout: silent, stderr: silent },
    );
    expect(code).toBe(0);
    const { counts, errors } = await renderCheck(join(dir, 'report.html'), join(OUT, 'cnf-8gaussians.png'));
    expect(errors).toEqual([]);
    expect(counts.figs).toBeGreaterThanOrEqual(3);
    expect(counts.drawn).toBe(counts.figs); // plotly drew into every figure div
    expect(counts.svg + counts.canvas).toBeGreaterThan(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
