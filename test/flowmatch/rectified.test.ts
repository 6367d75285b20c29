import { describe, expect, it } from 'vitest';
import { flowMatching } from '../../src/flowmatch/index.js';
import { mlpField, toySampler } from '../../src/index.js';

const tailMean = (xs: number[], k: number) => xs.slice(-k).reduce((a, b) => a + b, 0) / k;

describe('rectified flow with reflow, from a non-Gaussian source (8gaussians → moons)', () => {
  it('reflow pairs are straighter: regression on them ends far below the first round’s loss', async () => {
    const field = mlpField({ dim: 2, hidden: [32, 32], seed: 2 });
    const { model, result, rounds } = await flowMatching(field, toySampler('moons', 1), {
      objective: 'rectified',
      source: toySampler('8gaussians', 5),
      iterations: 300,
      reflow: 1,
      reflowPairs: 2000,
      progress: false,
    });
    expect(model.config().source).toBe('custom');
    expect(rounds).toHaveLength(1);
    // independent pairs leave an irreducible regression error (crossing paths); the pairs of
    // a reflow are a deterministic map, whose straight-line velocities a field can nearly fit
    const first = tailMean(
      result.history.map((r) => r.loss),
      50,
    );
    const second = tailMean(
      rounds[0].history.map((r) => r.loss),
      50,
    );
    expect(second).toBeLessThan(0.5 * first);
    // samples come from the custom source carried by the field
    const s = model.sample(64, 3);
    expect(s.shape).toEqual([64, 2]);
    s.dispose();
  });

  it('reflow belongs to rectified flow and says so', async () => {
    const field = mlpField({ dim: 2, hidden: [8], seed: 1 });
    await expect(
      flowMatching(field, toySampler('moons', 1), {
        objective: 'cfm',
        iterations: 2,
        reflow: 1,
        progress: false,
      }),
    ).rejects.toThrow(/reflow is part of rectified flow/);
  });
});
