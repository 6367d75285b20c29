import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { toyData } from '../../src/data/index.js';
import {
  buildReport,
  densityHeatmap,
  renderHtml,
  samplesVsData,
  trainingCurves,
  trajectories,
} from '../../src/node.js';
import type { IterationRecord } from '../../src/train/index.js';
import { gaussian } from './gaussian-model.js';

const record = (i: number, extra: Partial<IterationRecord> = {}): IterationRecord => ({
  iteration: i,
  loss: 5 - i / 10,
  gradNorm: 1,
  info: { nfe: 20 + i, nfeBackward: 40 },
  seconds: 0.1,
  elapsed: i / 10,
  ...extra,
});

describe('figure builders', () => {
  it('densityHeatmap evaluates exact logProb on the grid: a unit Gaussian has mass ≈ 1 and peak 1/2π', () => {
    const before = tf.memory().numTensors;
    const fig = densityHeatmap(gaussian(), { range: [-5, 5], n: 80 });
    expect(tf.memory().numTensors - before).toBe(2); // only the new model's two variables
    const z = fig.data[0].z as number[][];
    expect(z).toHaveLength(80);
    expect(Math.max(...z.flat())).toBeCloseTo(1 / (2 * Math.PI), 2);
    const mass = z.flat().reduce((a, b) => a + b, 0) * (10 / 80) ** 2;
    expect(mass).toBeCloseTo(1, 2);
    expect(JSON.stringify(fig.layout)).toMatch(/grid mass 1\.00/);
  });

  it('samplesVsData puts data and samples in two panels', () => {
    const d = toyData('moons', 50, 1);
    const fig = samplesVsData([[0, 1]], d);
    expect((fig.data[0].x as number[]).length).toBe(50);
    expect(fig.data[1]).toMatchObject({ x: [0], y: [1], xaxis: 'x2', yaxis: 'y2' });
    d.dispose();
  });

  it('trajectories draws one line per point through time plus start and end markers', () => {
    const paths = [
      [
        [0, 0],
        [1, 1],
      ],
      [
        [0.5, 0],
        [1, 2],
      ],
      [
        [1, 0],
        [1, 3],
      ],
    ]; // [T=3, N=2, 2]
    const fig = trajectories(paths);
    expect(fig.data[0].x).toEqual([0, 0.5, 1, null, 1, 1, 1, null]);
    expect(fig.data[1]).toMatchObject({ x: [0, 1], y: [0, 1] });
    expect(fig.data[2]).toMatchObject({ x: [1, 1], y: [0, 3] });
  });

  it('trainingCurves plots loss, test NLL at evaluation points and NFE on a second axis', () => {
    const h = [record(1), record(2, { testNll: 4.5 }), record(3)];
    const fig = trainingCurves(h);
    expect(fig.data.map((t) => t.name)).toEqual(['train loss', 'test NLL', 'NFE forward', 'NFE backward']);
    expect(fig.data[1]).toMatchObject({ x: [2], y: [4.5] });
    expect(fig.data[2]).toMatchObject({ y: [21, 22, 23], yaxis: 'y2' });
    const noNfe = trainingCurves([{ ...record(1), info: {} }]);
    expect(noNfe.data).toHaveLength(1);
  });

  it('trainingCurves lists only drawn series: no NFE backward without backward counts', () => {
    const h = [1, 2, 3].map((i) => ({ ...record(i), info: { nfe: 20 + i } }));
    const fig = trainingCurves(h);
    expect(fig.data.map((t) => t.name)).toEqual(['train loss', 'NFE forward']);
  });

  it('trainingCurves: entropy line, smoothing, and x buttons for iteration and wall-clock time', () => {
    const h = Array.from({ length: 60 }, (_, k) => record(k + 1, k === 59 ? { testNll: 3 } : {}));
    const fig = trainingCurves(h, { entropy: 2.83, smoothing: 0.5 });
    const names = fig.data.map((t) => t.name);
    expect(names).toEqual([
      'train loss (raw)',
      'train loss (EMA 0.5)',
      'test NLL',
      'data entropy 2.830 (best NLL)',
      'NFE forward',
      'NFE backward',
    ]);
    const entropy = fig.data[3];
    expect(entropy.y).toEqual([2.83, 2.83]);
    expect(entropy.x).toEqual([1, 60]);
    const menu = fig.layout?.updatemenus?.[0];
    const [byIt, byTime] = menu?.buttons ?? [];
    expect(byIt.args?.[0]).toMatchObject({ x: fig.data.map((t) => t.x) });
    const timeXs = (byTime.args as unknown as [{ x: number[][] }])[0].x;
    expect(timeXs[0]).toEqual(h.map((r) => r.elapsed));
    expect(timeXs[3]).toEqual([h[0].elapsed, h[59].elapsed]);
    expect((byTime.args as unknown as [unknown, Record<string, string>])[1]['xaxis.title.text']).toMatch(
      /wall-clock/,
    );
    expect(trainingCurves(h, { x: 'time' }).data[0].x).toEqual(timeXs[0]);
  });

  it('buildReport assembles heatmap, samples vs data and curves; trajectories when the model has them', () => {
    const data = toyData('8gaussians', 100, 0);
    const m = gaussian();
    const figs = buildReport(m, [record(1, { testNll: 5 })], data, { gridN: 20, samples: 50 });
    expect(figs).toHaveLength(3);
    const withPaths = Object.assign(gaussian(), {
      trajectories: (n: number) => tf.zeros([5, n, 2]),
    });
    const figs2 = buildReport(withPaths, [], data, { gridN: 20, samples: 50, paths: 3 });
    expect(figs2.map((f) => JSON.stringify(f.layout?.title))).toEqual([
      expect.stringContaining('model density'),
      expect.stringContaining('trajectories'),
      expect.stringContaining('data vs model samples'),
    ]);
    const html = renderHtml(figs);
    expect(html).toContain("Plotly.newPlot('fig2'");
    data.dispose();
  });
});
