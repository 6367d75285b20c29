// Loads CLI HTML reports in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is ever downloaded) and checks what a reader sees: every figure
// drawn with no page errors, the settings and the axis/colour-bar titles present, the legend
// listing only drawn series, no figure title under plotly's toolbar, the page using the window's
// width (and not overflowing a narrow one), the wall-clock button switching the axis. Saves
// screenshots under test-output/report/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { animation } from '../../src/plot/animation.js';
import { writeHtml } from '../../src/plot/html.js';
import { hasChromium, overlaps, titleAndToolbarBoxes, withPage } from './chromium.js';

const OUT = 'test-output/report';
const silent = { write: () => true, isTTY: false };

async function train(dir: string, extra: string[] = []): Promise<void> {
  const code = await main(
    [
      'train',
      '--data',
      '8gaussians',
      '--iters',
      '20',
      '--eval-every',
      '10',
      '--out',
      dir,
      '--quiet',
      ...extra,
    ],
    { stdout: silent, stderr: silent },
  );
  expect(code).toBe(0);
}

describe.skipIf(!hasChromium)('CLI HTML report in headless Chromium', () => {
  it('cnf on 8gaussians: drawn, settings and titles present, titles clear of the toolbar, full width', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeflow-report-'));
    await train(dir);
    const html = join(dir, 'report.html');
    await withPage(html, join(OUT, 'cnf-8gaussians.png'), async (page, errors) => {
      expect(errors).toEqual([]);
      const text = await page.evaluate(() => document.body.innerText);
      for (const label of [
        'batch size',
        'learning rate',
        'weight decay',
        'solver',
        'dopri5, rtol 0.00001, atol 0.00001',
        'end time T',
        'seed',
        'backend',
        'parameters',
        'odeflow version',
        'started',
        'data entropy',
      ]) {
        expect(text, label).toContain(label);
      }
      const svgText = await page.$$eval('.fig svg text', (ts) => ts.map((t) => t.textContent ?? ''));
      expect(svgText).toContain('x₁');
      expect(svgText).toContain('x₂');
      expect(svgText).toContain('p(x)'); // the colour bar's title
      expect(svgText).toContain('test NLL');
      expect(svgText).toContain('NFE forward');
      expect(svgText.some((t) => t.startsWith('data entropy 2.832'))).toBe(true);
      // trained by backprop: there is no backward NFE, so no such legend entry
      expect(svgText).not.toContain('NFE backward');
      for (const { id, title, toolbar } of await titleAndToolbarBoxes(page)) {
        expect(title, `${id} title`).not.toBeNull();
        expect(toolbar, `${id} toolbar`).not.toBeNull();
        if (title && toolbar) expect(overlaps(title, toolbar), `${id}: title under the toolbar`).toBe(false);
      }
      const widths = await page.$$eval('.fig.wide', (els) => els.map((e) => e.getBoundingClientRect().width));
      expect(widths.length).toBeGreaterThan(0);
      for (const w of widths) expect(w).toBeGreaterThan(1400); // not a 1100 px column
      // the curves' wall-clock button switches the x axis
      const curves = (await page.$$eval('.fig', (els) => els.map((e) => e.id))).at(-1);
      await page.locator(`#${curves} .updatemenu-button`).nth(1).click();
      await page.waitForFunction(
        (id) => document.querySelector(`#${id} .xtitle`)?.textContent?.startsWith('wall-clock'),
        curves,
      );
      await page.locator(`#${curves}`).screenshot({ path: join(OUT, 'curves-wall-clock.png') });
    });
    // a narrow window: figures reflow to one column and nothing overflows sideways
    await withPage(
      html,
      join(OUT, 'cnf-8gaussians-narrow.png'),
      async (page, errors) => {
        expect(errors).toEqual([]);
        const { scroll, inner } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth,
        }));
        expect(scroll).toBeLessThanOrEqual(inner);
        for (const { id, title, toolbar } of await titleAndToolbarBoxes(page)) {
          if (title && toolbar)
            expect(overlaps(title, toolbar), `${id}: title under the toolbar`).toBe(false);
        }
      },
      { width: 760, height: 1000 },
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('report --compare overlays two runs with their settings side by side', async () => {
    const a = mkdtempSync(join(tmpdir(), 'odeflow-runA-'));
    const b = mkdtempSync(join(tmpdir(), 'odeflow-runB-'));
    await train(a);
    await train(b, ['--lr', '0.003']);
    const out = join(a, 'compare.html');
    const lines: string[] = [];
    const code = await main(['report', '--compare', a, b, '--out', out], {
      stdout: { write: (s: string) => lines.push(s) },
      stderr: silent,
    });
    expect(code).toBe(0);
    expect(lines.join('')).toContain(out);
    await withPage(out, join(OUT, 'compare.png'), async (page, errors) => {
      expect(errors).toEqual([]);
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).toContain('learning rate');
      expect(text).toContain('0.003');
      expect(text).toContain('0.001');
      const svgText = await page.$$eval('.fig svg text', (ts) => ts.map((t) => t.textContent ?? ''));
      const names = [a, b].map((d) => d.split('/').at(-1));
      for (const n of names) expect(svgText).toContain(`${n}: test NLL`);
      for (const { id, title, toolbar } of await titleAndToolbarBoxes(page)) {
        if (title && toolbar) expect(overlaps(title, toolbar), `${id}: title under the toolbar`).toBe(false);
      }
    });
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  });

  it("animation: the slider's first and last labels are drawn inside the figure", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeflow-anim-'));
    const frames = Array.from({ length: 11 }, (_, t) =>
      Array.from({ length: 50 }, (_, i) => [Math.cos(i) * (1 + t / 10), Math.sin(i) * (1 + t / 10)]),
    );
    const labels = frames.map((_, t) => (t / 10).toFixed(2));
    const html = join(dir, 'animation.html');
    writeHtml(html, [animation(frames, { labels, title: 'points flowing (t = 0 to 1)' })]);
    await withPage(html, join(OUT, 'animation.png'), async (page, errors) => {
      expect(errors).toEqual([]);
      const fig = await page.locator('.fig').first().boundingBox();
      // one label per step; plotly also draws the "current value" text ("frame 0.00")
      const steps = await page.$$eval('.slider-group .slider-label', (els) =>
        els
          .filter((e) => !e.textContent?.startsWith('frame'))
          .map((e) => {
            const r = e.getBoundingClientRect();
            return { text: e.textContent, x: r.x, y: r.y, width: r.width, height: r.height };
          }),
      );
      expect(steps.map((s) => s.text)).toEqual(labels);
      const first = steps[0];
      const last = steps[steps.length - 1];
      expect(fig).toBeTruthy();
      if (fig && first && last) {
        expect(first.x).toBeGreaterThanOrEqual(fig.x);
        expect(last.x + last.width).toBeLessThanOrEqual(fig.x + fig.width);
      }
    });
    rmSync(dir, { recursive: true, force: true });
  });
});
