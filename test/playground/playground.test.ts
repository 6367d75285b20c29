// The browser playground, built (`npm run build:playground`) and opened from file:// in headless
// Chromium: loads with no console error and no network request; trains 50 iterations on WebGL
// with the held-out NLL falling and a heatmap that is not blank; a data set drawn with synthetic
// mouse events trains; a CSV loads; export → load gives the same log-density (and the exported
// files load in Node with the CLI's loadCheckpoint); a checkpoint written by `odeflow train` opens
// in the page with the log-density Node computes. Screenshots go to test-output/playground/.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { main } from '../../src/cli.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import {
  buildPlayground,
  CHROMIUM,
  launch,
  type Opened,
  openPage,
  type PageState,
  pageLogProb,
  setInput,
  waitPaused,
  waitViews,
} from './page.js';

const OUT = 'test-output/playground';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`skipping the playground tests: ${CHROMIUM} is missing (apt-get install chromium)`);

/** Points where log-densities are compared. */
const PROBE = [0, 0, 1.5, -0.5, -2, 2, 2.8, 0.1, -0.3, -2.5];
const silent = { write: () => true, isTTY: false };
/** The worker answers after what it is doing (a view update can take seconds on a loaded machine). */
const POLL = { timeout: 90_000, interval: 100 };

function nodeLogProb(model: { logProb(x: tf.Tensor): tf.Tensor }): number[] {
  const t = tf.tidy(() => model.logProb(tf.tensor2d(PROBE, [PROBE.length / 2, 2])));
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

function nllAt(history: { iteration: number; testNll?: number }[], iteration: number): number {
  const h = history.find((r) => r.iteration === iteration && r.testNll !== undefined);
  if (!h) throw new Error(`no held-out NLL at iteration ${iteration} in ${JSON.stringify(history)}`);
  return h.testNll as number;
}

describe.skipIf(!hasChromium)('browser playground', () => {
  let browser: Browser;
  let tmp: string;
  let opened: Opened | undefined;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'odeflow-playground-'));
    buildPlayground();
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    await opened?.close();
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function open(backend?: string): Promise<Opened> {
    await opened?.close();
    opened = await openPage(browser, backend);
    return opened;
  }

  it('loads from file:// with no console error and names the backends', async () => {
    const o = await open();
    const info = await o.page.textContent('#backend-info');
    expect(info).toMatch(/webgl: /);
    expect(info).toMatch(/wasm: /);
    const active = await o.page.textContent('#backend-active');
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(active);
    // the model of the default settings exists and the first views arrive
    await waitViews(o.page, 1);
    expect((await o.state()).status?.model).toMatch(/^cnf, \d+ parameters$/);
    expect(o.problems).toEqual([]);
  }, 240_000);

  it('trains 50 iterations on WebGL: held-out NLL falls, heatmap not blank', async () => {
    const o = await open('webgl');
    const { page } = o;
    expect(await page.textContent('#backend-active')).toBe('webgl');
    await page.selectOption('#model', 'cfm');
    await page.selectOption('#method', 'rk4');
    await setInput(page, 'step', '0.1');
    await setInput(page, 'eval-every', '25');
    await setInput(page, 'stop-at', '50');
    await page.click('#start');
    const s = await waitPaused(o, 50);
    expect(s.errors).toEqual([]);
    expect(s.status?.iteration).toBe(50);
    const before = nllAt(s.history, 0);
    const after = nllAt(s.history, 50);
    // 8gaussians: an untrained field gives ~6 nats; 50 I-CFM steps bring it below 4.5
    expect(after).toBeLessThan(before - 1);
    await waitViews(page, 2);
    const pixels = await page.evaluate(() => {
      const c = document.getElementById('heatmap') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colors = new Set<number>();
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < d.length; i += 4) {
        colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        const g = (d[i] + d[i + 1] + d[i + 2]) / 3;
        sum += g;
        sq += g * g;
      }
      const n = d.length / 4;
      return { colors: colors.size, std: Math.sqrt(sq / n - (sum / n) ** 2) };
    });
    expect(pixels.colors).toBeGreaterThan(50);
    expect(pixels.std).toBeGreaterThan(10);
    expect(await page.textContent('#nll')).toBe(after.toFixed(3));
    await page.waitForTimeout(1000); // let the flow animation draw a few frames
    await page.screenshot({ path: join(OUT, 'playground-webgl.png'), fullPage: true });
    expect(o.problems).toEqual([]);
  }, 300_000);

  it('trains on a data set drawn with the mouse (brush and erase)', async () => {
    const o = await open('wasm');
    const { page } = o;
    await page.check('input[name="data-mode"][value="draw"]');
    const box = (await page.locator('#data-canvas').boundingBox())!;
    // a ring of radius 2 (data units; the canvas spans [-4, 4]) in one stroke
    const at = (x: number, y: number): [number, number] => [
      box.x + ((x + 4) / 8) * box.width,
      box.y + ((4 - y) / 8) * box.height,
    ];
    await page.mouse.move(...at(2, 0));
    await page.mouse.down();
    for (let k = 1; k <= 60; k++)
      await page.mouse.move(...at(2 * Math.cos((k * Math.PI) / 30), 2 * Math.sin((k * Math.PI) / 30)));
    await page.mouse.up();
    const drawn = (await o.state()).drawn;
    expect(drawn).toBeGreaterThan(200);
    // erase a patch on the ring
    await page.check('#erase');
    await page.mouse.move(...at(0, 2));
    await page.mouse.down();
    await page.mouse.move(...at(0.1, 2));
    await page.mouse.up();
    await page.uncheck('#erase');
    const left = (await o.state()).drawn;
    expect(left).toBeLessThan(drawn);
    expect(left).toBeGreaterThan(drawn / 2);
    await expect
      .poll(() => page.textContent('#data-info'), POLL)
      .toMatch(new RegExp(`^drawn: ${left} points shown`));
    await page.selectOption('#model', 'realnvp');
    await setInput(page, 'eval-every', '40');
    // start, and pause while it trains: the page answers while the worker trains
    await page.click('#start');
    await page.waitForFunction(
      () =>
        ((window as never as { playground: { state(): PageState } }).playground.state().status?.iteration ??
          0) >= 3,
    );
    await page.click('#pause');
    const paused = await waitPaused(o, 3);
    await page.waitForTimeout(500);
    expect((await o.state()).status?.iteration).toBe(paused.status?.iteration);
    // settings that do not change the model keep the weights and the count
    await setInput(page, 'stop-at', '40');
    await page.waitForTimeout(500);
    expect((await o.state()).status?.iteration).toBe(paused.status?.iteration);
    const tensorsAt = (): Promise<number> =>
      page.evaluate(() =>
        (window as never as { playground: { numTensors(): Promise<number> } }).playground.numTensors(),
      );
    const early = await tensorsAt();
    await page.click('#start');
    const s = await waitPaused(o, 40);
    // no tensor left behind per iteration, evaluation or view: only weights and Adam's moments
    expect(await tensorsAt()).toBe(early);
    expect(s.errors).toEqual([]);
    expect(nllAt(s.history, 40)).toBeLessThan(nllAt(s.history, 0) - 0.3);
    expect(o.problems).toEqual([]);
  }, 240_000);

  it('reads a CSV of 2-D points (file input or drop), and names the line of a bad value', async () => {
    const o = await open('wasm');
    const { page } = o;
    const rows = Array.from({ length: 300 }, (_, i) => `${Math.cos(i) * 3},${Math.sin(i) - 1}`);
    await page.setInputFiles('#csv', {
      name: 'points.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`x,y\n${rows.join('\n')}\n`),
    });
    await expect
      .poll(() => page.textContent('#data-info'), POLL)
      .toBe('points.csv: 300 points shown, 60 held out');
    // dropped on the page (a synthetic drop event carrying a file)
    await page.evaluate(() => {
      const dt = new DataTransfer();
      const text = Array.from({ length: 50 }, (_, i) => `${i / 10};${-i / 20}`).join('\n');
      dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await expect
      .poll(() => page.textContent('#data-info'), POLL)
      .toBe('dropped.csv: 50 points shown, 10 held out');
    await page.setInputFiles('#csv', {
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('1,2\n3,oops\n'),
    });
    await expect
      .poll(() => page.textContent('#message'), POLL)
      .toMatch(/bad\.csv: line 2, column 2 is 'oops'/);
    // the page error is shown to the person, not thrown
    expect(o.problems).toEqual([]);
  }, 120_000);

  it('export → load gives the same log-density; the files load in Node with loadCheckpoint', async () => {
    const o = await open('wasm');
    const { page } = o;
    await page.selectOption('#model', 'realnvp');
    await setInput(page, 'stop-at', '20');
    await page.click('#start');
    await waitPaused(o, 20);
    const trained = await pageLogProb(page, PROBE);
    const dir = join(tmp, 'exported');
    mkdirSync(dir);
    const downloads: Promise<void>[] = [];
    page.on('download', (d) => downloads.push(d.saveAs(join(dir, d.suggestedFilename()))));
    await page.click('#export');
    await expect.poll(() => downloads.length, POLL).toBe(2);
    await Promise.all(downloads);
    const names = readdirSync(dir).sort();
    expect(names[0]).toBe('checkpoint.json');
    expect(names[1]).toMatch(/^weights-000020-[a-z0-9]+\.bin$/);
    await page.click('#reset');
    await expect.poll(() => page.textContent('#iteration'), POLL).toBe('0');
    const fresh = await pageLogProb(page, PROBE);
    expect(fresh).not.toEqual(trained);
    await page.setInputFiles(
      '#load',
      names.map((n) => join(dir, n)),
    );
    await expect.poll(() => page.textContent('#iteration'), POLL).toBe('20');
    expect(await pageLogProb(page, PROBE)).toEqual(trained);
    // the same files through the CLI's reader, on Node's wasm backend
    const ck = await loadCheckpoint(dir);
    expect(ck.state.iteration).toBe(20);
    const node = nodeLogProb(ck.model);
    node.forEach((v, i) => {
      expect(Math.abs(v - trained[i])).toBeLessThan(1e-4);
    });
    tf.dispose(ck.model.params as tf.Variable[]);
    expect(o.problems).toEqual([]);
  }, 240_000);

  it('opens a checkpoint trained by `odeflow train`', async () => {
    const dir = join(tmp, 'cli-run');
    const code = await main(
      [
        'train',
        '--data',
        'moons',
        '--model',
        'cnf',
        '--iters',
        '3',
        '--eval-every',
        '3',
        '--out',
        dir,
        '--quiet',
      ],
      { stdout: silent, stderr: silent },
    );
    expect(code).toBe(0);
    const ck = await loadCheckpoint(dir);
    const node = nodeLogProb(ck.model);
    tf.dispose(ck.model.params as tf.Variable[]);
    const o = await open('wasm');
    const { page } = o;
    // every file of the run directory, as a person would pick the folder's contents
    await page.setInputFiles(
      '#load',
      readdirSync(dir).map((n) => join(dir, n)),
    );
    await expect.poll(() => page.textContent('#iteration'), POLL).toBe('3');
    expect(await page.inputValue('#model')).toBe('cnf');
    expect(await page.textContent('#model-info')).toMatch(/^cnf, \d+ parameters$/);
    const lp = await pageLogProb(page, PROBE);
    lp.forEach((v, i) => {
      expect(Math.abs(v - node[i])).toBeLessThan(1e-4);
    });
    await waitViews(page, 1);
    writeFileSync(join(OUT, 'cli-checkpoint-logprob.json'), JSON.stringify({ page: lp, node }, null, 1));
    expect(o.problems).toEqual([]);
  }, 240_000);
});
