import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomNormal } from '../../src/core/random.js';
import { realNVP } from '../../src/flows/index.js';
import { tf } from '../../src/index.js';

const values = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('randomNormal: seeded Gaussian draws, seed 0 included', () => {
  it('gives the same draw for the same seed (0 too: tfjs alone treats 0 as no seed)', () => {
    expect(values(randomNormal([64], 0, 1, 0))).toEqual(values(randomNormal([64], 0, 1, 0)));
    expect(values(randomNormal([64], 0, 1, 7))).toEqual(values(randomNormal([64], 0, 1, 7)));
    expect(values(randomNormal([64], 0, 1, 0))).not.toEqual(values(randomNormal([64], 0, 1, 7)));
    expect(values(randomNormal([64]))).not.toEqual(values(randomNormal([64])));
    // what tfjs does with seed 0 by itself: a fresh draw each time
    expect(values(tf.randomNormal([64], 0, 1, 'float32', 0))).not.toEqual(
      values(tf.randomNormal([64], 0, 1, 'float32', 0)),
    );
    const m = values(randomNormal([20000], 2, 3, 0));
    const mean = m.reduce((a, b) => a + b, 0) / m.length;
    const sd = Math.sqrt(m.reduce((a, b) => a + (b - mean) ** 2, 0) / m.length);
    expect(Math.abs(mean - 2)).toBeLessThan(0.1);
    expect(Math.abs(sd - 3)).toBeLessThan(0.1);
  });

  it("makes a model's samples with seed 0 reproducible", () => {
    const m = realNVP({ layers: 2, hidden: [8], seed: 0 });
    expect(values(m.sample(16, 0))).toEqual(values(m.sample(16, 0)));
    m.dispose();
  });

  it('is the only way src draws Gaussian tensors', () => {
    const direct = sources('src').filter(
      (f) =>
        !f.endsWith(join('core', 'random.ts')) &&
        /\btf\.randomNormal\(/.test(readFileSync(f, 'utf8').replace(/^\s*\*.*$/gm, '')),
    );
    expect(direct).toEqual([]);
  });
});
