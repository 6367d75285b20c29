/**
 * The GPU bench rows (bench/gpu/rows.ts) on webgl in headless Debian chromium (playwright-core),
 * for the README's backend table: on a CPU-only machine WebGL is ANGLE on SwiftShader.
 *
 *   npx tsx bench/gpu/webgl.ts [--small] [--budget-s 300] [--out FILE]
 *
 * Writes JSON (default bench/results/gpu-webgl-chromium.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForBrowser } from '../../test/browser/bundle.js';
import { withChromium } from '../../test/browser/chromium.js';
import type { Row } from './rows.js';

const argv = process.argv.slice(2);
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const small = argv.includes('--small');
const budgetS = Number(arg('--budget-s') ?? 300);
const out = arg('--out') ?? 'bench/results/gpu-webgl-chromium.json';
const dir = 'test-output/gpu-webgl';
mkdirSync(dir, { recursive: true });
bundleForBrowser('bench/gpu/webgl-page.ts', `${dir}/page.js`);
writeFileSync(`${dir}/index.html`, '<!doctype html><meta charset="utf-8"><script src="page.js"></script>\n');
const t0 = performance.now();
const result = await withChromium(async (context) => {
  const page = await context.newPage();
  page.on('console', (m) => console.log(m.text()));
  page.setDefaultTimeout((budgetS + 120) * 1000);
  await page.goto(pathToFileURL(resolve(`${dir}/index.html`)).href);
  return page.evaluate(
    ([s, b]) =>
      (
        globalThis as unknown as {
          odeflowGpuBench: (small: boolean, budgetS: number) => Promise<{ renderer: string; rows: Row[] }>;
        }
      ).odeflowGpuBench(s as boolean, b as number),
    [small, budgetS],
  );
});
const json = {
  date: new Date().toISOString(),
  small,
  browser: 'Debian chromium (headless)',
  ...result,
  wallS: (performance.now() - t0) / 1000,
};
writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${out}`);
