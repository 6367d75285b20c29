import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { realNVP } from '../../src/flows/index.js';
import { bitsPerDimCurve, buildReport } from '../../src/plot/index.js';
import { evaluate, type IterationRecord, imageInfo } from '../../src/train/index.js';

const history = (bpd: number[]): IterationRecord[] =>
  bpd.map((b, i) => ({
    iteration: i + 1,
    loss: 100 - i,
    gradNorm: 1,
    info: {},
    seconds: 0.01,
    elapsed: 0.01 * (i + 1),
    ...(i % 2 === 1 ? { testNll: b * 16 * Math.LN2, testBpd: b } : {}),
  }));

describe('bits/dim evaluation and image reports', () => {
  const image = realNVP({ imageShape: [4, 4, 1], levels: 2, layers: 1, hidden: [8], pixelLevels: 5 });
  const vector = realNVP({ layers: 2, hidden: [8] });

  it('evaluate gives bits/dim = NLL / (dim · ln 2) for image models only', () => {
    expect(imageInfo(image)).toEqual({ shape: [4, 4, 1], levels: 5 });
    expect(imageInfo(vector)).toBeUndefined();
    const x = tf.tensor2d(
      Array.from({ length: 3 * 16 }, (_, i) => i % 5),
      [3, 16],
    );
    const ev = evaluate(image, x);
    expect(Number.isFinite(ev.nll)).toBe(true);
    expect(ev.bitsPerDim).toBeCloseTo(ev.nll / (16 * Math.LN2), 10);
    const pts = tf.tensor2d([
      [0, 1],
      [1, -1],
    ]);
    expect(evaluate(vector, pts).bitsPerDim).toBeUndefined();
    tf.dispose([x, pts]);
  });

  it('bitsPerDimCurve plots train loss / (dim · ln 2) and the evaluated bits/dim', () => {
    const h = history([3, 2.9, 2.8, 2.7]);
    const fig = bitsPerDimCurve(h, 16);
    expect(fig.data[0].y).toEqual(h.map((r) => r.loss / (16 * Math.LN2)));
    expect(fig.data[1].x).toEqual([2, 4]);
    expect(fig.data[1].y).toEqual([2.9, 2.7]);
  });

  it('an image model report has the sample grid beside real images and a bits/dim curve, no 2-D plots', () => {
    const data = tf.tensor2d(
      Array.from({ length: 6 * 16 }, (_, i) => (i * 7) % 5),
      [6, 16],
    );
    const before = tf.memory().numTensors;
    const figs = buildReport(image, history([3, 2.9]), data, { images: 6, imageCols: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const titles = figs.map((f) => (f.layout as { title: { text: string } }).title.text);
    expect(titles).toEqual(['image grid: model samples (left) and data (right)', 'bits per dimension']);
    const [samples, real] = figs[0].data;
    expect([samples.type, real.type]).toEqual(['heatmap', 'heatmap']);
    expect([samples.zmin, samples.zmax]).toEqual([0, 4]); // pixel levels 0..L−1
    // the data panel shows the given images: 6 images of 4×4 in 2 rows of 3, one-pixel gaps
    const z = real.z as (number | null)[][];
    expect(z).toHaveLength(2 * 5 - 1);
    expect(z[0]).toHaveLength(3 * 5 - 1);
    const rows = data.arraySync() as number[][];
    expect(z[5].slice(10, 14)).toEqual(rows[5].slice(0, 4)); // image 5, first pixel row
    const sampled = (samples.z as (number | null)[][]).flat().filter((v) => v !== null) as number[];
    expect(sampled).toHaveLength(6 * 16);
    expect(sampled.every((v) => v >= 0 && v <= 5)).toBe(true); // dequantized samples lie in [0, L)
    data.dispose();
  });

  it('a 2-D model report is unchanged: density, samples vs data, nats curves; no image grid', () => {
    const pts = tf.randomNormal([50, 2], 0, 1, 'float32', 1);
    const figs = buildReport(vector, history([1, 1]), pts, { gridN: 10, samples: 50 });
    const types = figs.map((f) => f.data[0].type);
    expect(types).toEqual(['heatmap', 'scattergl', 'scatter']);
    expect((figs[2].layout as { yaxis: { title: { text: string } } }).yaxis.title.text).toBe('nats');
    pts.dispose();
  });
});
