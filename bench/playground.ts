/**
 * Playground benchmark: training iterations per second of the built page (dist-playground, opened
 * from file:// in Debian's headless Chromium) per backend and model, on 8gaussians. Iterations/s
 * count the training steps only (the page's own figure: the last 20 steps; held-out evaluation
 * off, views still drawn between steps). Optionally trains one longer run and saves the README's
 * screenshot.
 * Run: `npm run build:playground && npx tsx bench/playground.ts [--backends webgl,wasm]
 *       [--models cfm,ot-cfm,cnf,realnvp] [--iters 60] [--screenshot docs/playground.png]`.
 * Writes bench/results/playground.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { launch, openPage, setInput, waitPaused } from '../test/playground/page.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'webgl,wasm' },
    models: { type: 'string', default: 'cfm,ot-cfm,cnf,realnvp' },
    iters: { type: 'string', default: '60' },
    screenshot: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npx tsx bench/playground.ts [options]   (after npm run build:playground)
  --backends L     comma list of webgl, wasm, cpu, webgpu (default webgl,wasm; '' for none)
  --models L       comma list of cnf, cfm, ot-cfm, rectified, realnvp, glow, maf (default cfm,ot-cfm,cnf,realnvp)
  --iters N        iterations per run (default 60)
  --screenshot P   also train OT-CFM for 400 iterations on wasm and save a screenshot to P`);
  process.exit(0);
}

/** Solver of each model in the runs: the CNF with rk4 (fixed cost per step), flows need none. */
const SOLVER: Record<string, { method: string; step?: string; tol?: string }> = {
  cnf: { method: 'rk4', step: '0.05' },
};

interface Row {
  backend: string;
  model: string;
  iterations: number;
  itsPerSec: number;
  wallSeconds: number;
}

const iters = Number(values.iters);
const browser = await launch();
const rows: Row[] = [];
try {
  for (const backend of values.backends.split(',').filter(Boolean)) {
    for (const model of values.models.split(',').filter(Boolean)) {
      const o = await openPage(browser, backend);
      const { page } = o;
      const active = await page.textContent('#backend-active');
      if (active !== backend) {
        console.log(`${backend}: not available here (page uses ${active}); skipped`);
        await o.close();
        break;
      }
      await page.selectOption('#model', model);
      const s = SOLVER[model];
      if (s) {
        await page.selectOption('#method', s.method);
        if (s.step) await setInput(page, 'step', s.step);
      }
      await setInput(page, 'eval-every', '0');
      await setInput(page, 'stop-at', String(iters));
      const t0 = performance.now();
      await page.click('#start');
      const st = await waitPaused(o, iters, 600_000);
      const row = {
        backend,
        model,
        iterations: st.status?.iteration ?? 0,
        itsPerSec: st.status?.itsPerSec ?? Number.NaN,
        wallSeconds: (performance.now() - t0) / 1000,
      };
      rows.push(row);
      console.log(
        `${backend.padEnd(6)} ${model.padEnd(9)} ${row.itsPerSec.toFixed(1).padStart(7)} it/s (steps only)  ${row.wallSeconds.toFixed(1)} s wall for ${row.iterations}`,
      );
      if (o.problems.length) console.log(`  page problems: ${o.problems.join('; ')}`);
      await o.close();
    }
  }
  if (values.screenshot) {
    const o = await openPage(browser, 'wasm');
    await o.page.selectOption('#model', 'ot-cfm');
    await setInput(o.page, 'eval-every', '50');
    await setInput(o.page, 'stop-at', '400');
    await o.page.click('#start');
    await waitPaused(o, 400, 900_000);
    await o.page.waitForTimeout(1500);
    await o.page.screenshot({ path: values.screenshot });
    console.log(`screenshot: ${values.screenshot}`);
    await o.close();
  }
} finally {
  await browser.close();
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/playground.json',
  `${JSON.stringify({ date: new Date().toISOString(), loadavg: loadavg(), iters, rows }, null, 2)}\n`,
);
