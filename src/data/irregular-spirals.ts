import { Rng } from './rng.js';

/** Options of {@link irregularSpirals}. Every field has a default. */
export interface IrregularSpiralsOptions {
  /** Number of spirals (half clockwise, half counter-clockwise). Default 256. */
  n?: number;
  /** Observations per spiral, at random times in (0, tObs]. Default 30. */
  nObs?: number;
  /** End of the observation window. Default 3. */
  tObs?: number;
  /** End of the clean trajectory kept for extrapolation (≥ tObs). Default 6. */
  tEnd?: number;
  /** Points of the clean trajectory on [0, tEnd]. Default 121. */
  nDense?: number;
  /** Standard deviation of the observation noise. Default 0.1. */
  noise?: number;
  /** Seed. Default 0. */
  seed?: number;
}

/** Irregularly sampled 2-D spirals: noisy observations at per-spiral times, and the clean curves. */
export interface IrregularSpirals {
  /** `[n][nObs]`: each spiral's observation times, strictly increasing in (0, tObs]. */
  times: number[][];
  /** `[n][nObs][2]`: noisy observations at those times. */
  obs: number[][][];
  /** `[nDense]`: the times of the clean curves, 0 … tEnd. */
  denseTimes: number[];
  /** `[n][nDense][2]`: the clean spirals at `denseTimes`. */
  dense: number[][][];
  /** `[n]`: +1 counter-clockwise, −1 clockwise. */
  direction: number[];
}

/**
 * Archimedean spirals as in torchdiffeq's latent-ODE example (r = a + b·θ, half of them turning
 * each way, each starting at a random angle), but observed at irregular, per-spiral random times:
 * position(t) = r(u)·(cos(s·u), sin(s·u)) with u = u₀ + ω·t, r = 0.3 + 0.25·u, ω = 1.2, s = ±1
 * (clockwise spirals run inwards: u decreases). Deterministic for a given seed.
 *
 * @param opts Numbers of spirals and observations, time spans, noise and seed, all optional; see {@link IrregularSpiralsOptions}.
 */
export function irregularSpirals(opts: IrregularSpiralsOptions = {}): IrregularSpirals {
  const n = opts.n ?? 256;
  const nObs = opts.nObs ?? 30;
  const tObs = opts.tObs ?? 3;
  const tEnd = opts.tEnd ?? 6;
  const nDense = opts.nDense ?? 121;
  const noise = opts.noise ?? 0.1;
  if (!(Number.isInteger(n) && n >= 1))
    throw new Error(`irregularSpirals: n = ${n}; expected an integer ≥ 1`);
  if (!(Number.isInteger(nObs) && nObs >= 1))
    throw new Error(`irregularSpirals: nObs = ${nObs}; expected an integer ≥ 1`);
  if (!(tObs > 0 && tEnd >= tObs))
    throw new Error(`irregularSpirals: need 0 < tObs ≤ tEnd; got tObs = ${tObs}, tEnd = ${tEnd}`);
  if (!(noise >= 0)) throw new Error(`irregularSpirals: noise = ${noise}; expected ≥ 0`);
  const rng = new Rng(opts.seed ?? 0);
  const omega = 1.2;
  const at = (u0: number, s: number, t: number): number[] => {
    const u = s > 0 ? u0 + omega * t : u0 - omega * t;
    const r = 0.3 + 0.25 * u;
    return [r * Math.cos(s * u), r * Math.sin(s * u)];
  };
  const denseTimes = Array.from({ length: nDense }, (_, i) => (tEnd * i) / (nDense - 1));
  const times: number[][] = [];
  const obs: number[][][] = [];
  const dense: number[][][] = [];
  const direction: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = i % 2 === 0 ? 1 : -1;
    // counter-clockwise spirals start near the centre and run out; clockwise ones run in
    const u0 = s > 0 ? 1 + 2 * rng.uniform() : 1 + omega * tEnd + 2 * rng.uniform();
    const ts = new Set<number>();
    while (ts.size < nObs) ts.add(Math.max(1e-3, Math.round(tObs * rng.uniform() * 1e6) / 1e6));
    const row = [...ts].sort((a, b) => a - b);
    times.push(row);
    obs.push(row.map((t) => at(u0, s, t).map((v) => v + noise * rng.normal())));
    dense.push(denseTimes.map((t) => at(u0, s, t)));
    direction.push(s);
  }
  return { times, obs, denseTimes, dense, direction };
}
