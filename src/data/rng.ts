import seedrandom from 'seedrandom';

/**
 * A small seeded random source (seedrandom's ARC4 generator) with the draws the toy samplers
 * need. The same seed always gives the same sequence, on every platform and backend.
 */
export class Rng {
  private readonly next: () => number;

  /**
   * A generator seeded by `seed`; without one, seeded from the system's entropy.
   *
   * @param seed Seed (number or string); omitted: from the system's entropy.
   */
  constructor(seed?: number | string) {
    this.next = seed === undefined ? seedrandom(undefined, { entropy: true }) : seedrandom(String(seed));
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Standard normal (Box–Muller; one draw per call, no cached pair, so streams stay simple). */
  normal(): number {
    let u = this.next();
    while (u <= Number.MIN_VALUE) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * Uniform integer in [0, k).
   *
   * @param k Exclusive upper bound.
   */
  int(k: number): number {
    return Math.floor(this.next() * k);
  }

  /**
   * Shuffles the rows of a row-major `[n, width]` array in place (Fisher–Yates).
   *
   * @param values Row-major values, shuffled in place.
   * @param width Row width.
   */
  shuffleRows(values: Float32Array, width: number): void {
    const n = values.length / width;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      for (let c = 0; c < width; c++) {
        const a = i * width + c;
        const b = j * width + c;
        const t = values[a];
        values[a] = values[b];
        values[b] = t;
      }
    }
  }
}
