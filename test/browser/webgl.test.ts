/**
 * odeflow on tfjs's webgl backend in headless Chromium (Debian's chromium through playwright-core;
 * WebGL is ANGLE on SwiftShader on this CPU-only machine): a browser bundle of the solvers and
 * the CNF runs odeint dopri5, a CNF log-density, one training step's gradients — each compared
 * with the same computation on wasm here — and 50 training iterations, which must lower the
 * held-out NLL. Skips, saying why, only when /usr/bin/chromium is missing outside CI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CNF, type CnfOptions } from '../../src/cnf/index.js';
import { odeint, tf } from '../../src/index.js';
import { eightGaussians } from '../cnf/helpers.js';
import { relErr } from '../gradients/helpers.js';
import { vanDerPol } from '../solvers/problems.js';
import { bundleForBrowser } from './bundle.js';
import { hasChromium, withChromium } from './chromium.js';
import { type SuiteInput, type SuiteOutput, VDP_OPTIONS, VDP_TS, VDP_Y0 } from './webgl-app.js';

const OUT = 'test-output/browser';
if (!hasChromium) {
  if (process.env.CI)
    throw new Error('/usr/bin/chromium is missing; .ci/run installs it (apt-get install chromium)');
  console.warn('skipping the WebGL browser test: /usr/bin/chromium is missing (apt-get install chromium)');
}

const cnfOptions: CnfOptions = {
  dim: 2,
  hidden: [32, 32],
  activation: 'softplus',
  T: 0.5,
  method: 'rk4',
  stepSize: 0.125,
  seed: 3,
};
const rows = (t: tf.Tensor) => Array.from(t.dataSync());

describe.skipIf(!hasChromium)('webgl in headless Chromium', () => {
  let out: SuiteOutput;
  let input: SuiteInput;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    bundleForBrowser('test/browser/webgl-app.ts', `${OUT}/webgl-app.js`);
    writeFileSync(
      `${OUT}/webgl.html`,
      '<!doctype html><meta charset="utf-8"><script src="webgl-app.js"></script>\n',
    );
    const [x, held, train] = [eightGaussians(64, 11), eightGaussians(500, 12), eightGaussians(3200, 13)];
    input = {
      cnf: cnfOptions,
      x: rows(x),
      heldOut: rows(held),
      train: rows(train),
      iterations: 50,
      batch: 64,
      lr: 1e-2,
    };
    tf.dispose([x, held, train]);
    out = await withChromium(async (context) => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.route(/^(?!file:)/, (route) => route.abort());
      await page.goto(pathToFileURL(resolve(`${OUT}/webgl.html`)).href);
      const result = await page.evaluate((i) => {
        const g = globalThis as unknown as { odeflowSuite: (i: SuiteInput) => Promise<SuiteOutput> };
        return g.odeflowSuite(i);
      }, input);
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
      return result;
    });
    console.log(
      `webgl (${out.renderer}): ${out.msPerIteration.toFixed(0)} ms/iteration, held-out NLL ${out.nllBefore.toFixed(3)} → ${out.nllAfter.toFixed(3)}`,
    );
  }, 600_000);

  const cnf = new CNF(cnfOptions);
  afterAll(() => cnf.dispose());

  it('runs on webgl with float32 render targets', () => {
    expect(out.backend).toBe('webgl');
    expect(out.float32).toBe(true);
  });

  it('odeint dopri5 matches wasm', () => {
    const y0 = tf.tensor2d(VDP_Y0);
    const ys = odeint(vanDerPol.f, y0, VDP_TS, VDP_OPTIONS);
    // backends differ in the last bits, so the adaptive steps may differ: agree to ~the tolerance
    expect(relErr(out.vanDerPol, rows(ys))).toBeLessThan(1e-4);
    tf.dispose([y0, ys]);
  });

  it('CNF logProb and one training step’s gradients match wasm (float32)', () => {
    const x = tf.tensor2d(input.x, [input.x.length / 2, 2]);
    const lp = cnf.logProb(x);
    expect(relErr(out.logProb, rows(lp))).toBeLessThan(1e-5);
    const vars = [...cnf.params];
    const { value, grads } = tf.variableGrads(() => cnf.trainLoss(x).loss as tf.Scalar, vars);
    expect(Math.abs(out.loss - value.dataSync()[0])).toBeLessThan(1e-5);
    const flat = vars.flatMap((v) => rows(grads[v.name]));
    expect(relErr(out.grads, flat)).toBeLessThan(1e-4);
    tf.dispose([x, lp, value, ...Object.values(grads)]);
  });

  it('50 training iterations lower the held-out NLL', () => {
    expect(out.nllAfter).toBeLessThan(out.nllBefore - 0.1);
  });
});
