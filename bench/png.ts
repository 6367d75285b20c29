/**
 * Screenshots the figures of an HTML report (plotly inlined) to PNG with Debian's headless Chromium
 * driven by playwright-core (no browser download): one PNG per figure, `<out>-<i>.png`.
 * Run: `npx tsx bench/png.ts out/energy-fits.html docs/img/energy-fits` → docs/img/energy-fits-0.png.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [html, out] = process.argv.slice(2);
if (!html || !out) {
  console.log('usage: npx tsx bench/png.ts REPORT.html OUT_PREFIX');
  process.exit(2);
}
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'odeflow-png-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1600, height: 1200 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await context.newPage();
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.waitForFunction(() => document.querySelectorAll('.fig .main-svg').length > 0, null, {
    timeout: 120_000,
  });
  const figs = await page.$$('.fig');
  mkdirSync(dirname(out), { recursive: true });
  for (const [i, f] of figs.entries()) {
    await f.screenshot({ path: `${out}-${i}.png` });
    console.log(`${out}-${i}.png`);
  }
} finally {
  await context.close();
}
