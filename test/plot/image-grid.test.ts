import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { imageGrid, tileImages } from '../../src/plot/index.js';

/** Image k of shape [h, w]: pixel (r, c) = 100k + 10r + c, so every value says where it came from. */
function labelled(n: number, h: number, w: number): number[][] {
  return Array.from({ length: n }, (_, k) =>
    Array.from({ length: h * w }, (_, i) => 100 * k + 10 * Math.floor(i / w) + (i % w)),
  );
}

describe('tileImages', () => {
  it('puts pixel (r, c) of image k at its tile, with null gaps between tiles', () => {
    const [n, h, w, cols, gap] = [5, 3, 2, 2, 1];
    const z = tileImages(labelled(n, h, w), [h, w], cols, gap);
    expect(z).toHaveLength(3 * (h + gap) - gap); // 3 grid rows
    expect(z[0]).toHaveLength(cols * (w + gap) - gap);
    for (let k = 0; k < n; k++) {
      for (let r = 0; r < h; r++) {
        for (let c = 0; c < w; c++) {
          const row = Math.floor(k / cols) * (h + gap) + r;
          const col = (k % cols) * (w + gap) + c;
          expect(z[row][col]).toBe(100 * k + 10 * r + c);
        }
      }
    }
    expect(z[h].every((v) => v === null)).toBe(true); // the gap row
    expect(z.map((row) => row[w])).toEqual(new Array(z.length).fill(null)); // the gap column
    expect(z[2 * (h + gap)].slice(w + gap)).toEqual([null, null]); // no 6th image
  });

  it('reads tensors and averages channels of [H, W, C] images', () => {
    // one 1×2 image with 3 channels: pixel 0 = (0, 3, 6), pixel 1 = (3, 3, 3)
    const x = tf.tensor2d([[0, 3, 6, 3, 3, 3]]);
    expect(tileImages(x, [1, 2, 3], 4)).toEqual([[3, 3]]);
    x.dispose();
  });

  it('refuses rows of the wrong width and non-finite pixels, naming row and column', () => {
    const rows = labelled(3, 2, 3);
    rows[1] = rows[1].slice(0, 5);
    expect(() => tileImages(rows, [2, 3], 2)).toThrow(/row 2 has 5 columns, expected 6/);
    const nan = labelled(2, 2, 2);
    nan[1][3] = Number.NaN;
    expect(() => tileImages(nan, [2, 2], 2)).toThrow(/row 2, column 4 is NaN/);
  });
});

describe('imageGrid', () => {
  it('draws panels side by side as greyscale heatmaps on one scale, rows top to bottom', () => {
    const a = labelled(4, 2, 2);
    const b = labelled(4, 2, 2).map((r) => r.map((v) => v / 2));
    const fig = imageGrid(
      [
        { images: a, title: 'model samples' },
        { images: b, title: 'data' },
      ],
      { shape: [2, 2], cols: 2, title: 'grid' },
    );
    expect(fig.data).toHaveLength(2);
    const [t1, t2] = fig.data;
    expect(t1.type).toBe('heatmap');
    expect([t1.xaxis, t1.yaxis, t2.xaxis, t2.yaxis]).toEqual(['x', 'y', 'x2', 'y2']);
    expect(t1.z).toEqual(tileImages(a, [2, 2], 2));
    expect([t1.zmin, t1.zmax, t2.zmin, t2.zmax]).toEqual([0, 311, 0, 311]); // max over both panels
    expect([t1.showscale, t2.showscale]).toEqual([false, true]);
    expect(t1.colorscale).toEqual([
      [0, '#ffffff'],
      [1, '#000000'],
    ]);
    const layout = fig.layout as Record<string, Record<string, unknown>>;
    expect(layout.yaxis.autorange).toBe('reversed');
    expect(layout.yaxis2.scaleanchor).toBe('x2');
    expect(layout.xaxis.title).toEqual({ text: 'model samples' });
    expect(layout.xaxis2.title).toEqual({ text: 'data' });
    const [d1, d2] = [layout.xaxis.domain, layout.xaxis2.domain] as number[][];
    expect(d1[1]).toBeLessThan(d2[0]); // side by side, not overlapping
  });

  it('takes one image set with default ⌈√n⌉ columns and at most `max` images', () => {
    const fig = imageGrid(labelled(10, 2, 2), { shape: [2, 2], zmax: 16, max: 9 });
    const z = fig.data[0].z as (number | null)[][];
    expect(z).toHaveLength(3 * 3 - 1); // 9 images in 3 rows of 3
    expect(z[0]).toHaveLength(3 * 3 - 1);
    expect(fig.data[0].zmax).toBe(16);
  });
});
