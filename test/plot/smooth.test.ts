import { describe, expect, it } from 'vitest';
import { smoothEma } from '../../src/plot/smooth.js';

describe('smoothEma', () => {
  it('weight 0 is the identity; a constant stays constant (debiased, no pull towards 0)', () => {
    expect(smoothEma([1, 2, 3], 0)).toEqual([1, 2, 3]);
    for (const v of smoothEma([5, 5, 5, 5], 0.9)) expect(v).toBeCloseTo(5, 12);
  });

  it('matches the debiased EMA written out by hand', () => {
    const w = 0.6;
    const [a, b, c] = [2, 4, 7];
    const out = smoothEma([a, b, c], w);
    expect(out[1]).toBeCloseTo((w * (1 - w) * a + (1 - w) * b) / (1 - w ** 2), 12);
    expect(out[2]).toBeCloseTo((w * w * (1 - w) * a + w * (1 - w) * b + (1 - w) * c) / (1 - w ** 3), 12);
  });

  it('skips non-finite values and refuses a weight outside [0, 1)', () => {
    expect(smoothEma([1, null, Number.NaN, 3], 0.5)[1]).toBeNull();
    expect(smoothEma([1, null, Number.NaN, 3], 0.5)[3]).toBeCloseTo((0.5 * 0.5 * 1 + 0.5 * 3) / 0.75, 12);
    expect(() => smoothEma([1], 1)).toThrow(/\[0, 1\).*smoothEma/);
  });
});
