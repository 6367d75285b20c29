import { describe, expect, it } from 'vitest';
import { densityPanels } from '../../src/plot/density-panels.js';
import { latentScatter, lossCurve, posteriorContours } from '../../src/plot/latent.js';

describe('figures of the VI tools', () => {
  it('densityPanels: one heatmap per panel on its own axes, each normalised to its maximum; labels as annotations', () => {
    const axis = [-1, 0, 1];
    const logp = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((v) => -v);
    const fig = densityPanels(
      [
        { row: 0, col: 0, axis, logp, caption: 'a' },
        { row: 1, col: 1, axis, logp },
      ],
      { rowLabels: ['U1', 'U2'], colLabels: ['target', 'fit'] },
    );
    expect(fig.data).toHaveLength(2);
    expect(fig.data[1].xaxis).toBe('x2');
    const z = fig.data[0].z as number[][];
    expect(z[0][0]).toBe(1);
    expect(z[2][2]).toBeCloseTo(Math.exp(-8), 12);
    const layout = fig.layout ?? {};
    const d1 = (layout.xaxis as { domain: number[] }).domain;
    const d2 = (layout.xaxis2 as { domain: number[] }).domain;
    expect(d2[0]).toBeGreaterThan(d1[1]);
    const texts = (layout.annotations as { text: string }[]).map((a) => a.text);
    expect(texts).toEqual(expect.arrayContaining(['a', 'U1', 'U2', 'target', 'fit']));
  });

  it('latentScatter: one trace per label holding exactly its points; a length mismatch is refused', () => {
    const fig = latentScatter(
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
      [7, 3, 7],
    );
    expect(fig.data.map((t) => t.name)).toEqual(['3', '7']);
    expect(fig.data[1].x).toEqual([0, 4]);
    expect(fig.data[1].y).toEqual([1, 5]);
    expect(() => latentScatter([[0, 0]], [1, 2])).toThrow(/1 points but 2 labels/);
  });

  it('posteriorContours: one contour trace per grid with densities exp(log q); lossCurve: one line', () => {
    const axis = [0, 1];
    const fig = posteriorContours([
      { axis, logq: [0, -1, -2, -3], name: 'a' },
      { axis, logq: [-1, -1, -1, -1], name: 'b' },
    ]);
    expect(fig.data).toHaveLength(2);
    expect((fig.data[0].z as number[][])[1][0]).toBeCloseTo(Math.exp(-2), 12);
    expect(lossCurve([3, 2, 1], 't').data[0].y).toEqual([3, 2, 1]);
  });
});
