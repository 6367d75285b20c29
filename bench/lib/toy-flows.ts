/**
 * The discrete flows the benches compare on the 2-D toy densities (bench/flows.ts,
 * bench/conditioners.ts): RealNVP, Glow, MAF and the neural spline flows (Durkan et al. 2019:
 * rational-quadratic, 8 bins on [−5, 5], linear tails), hidden [48, 48], seed 0. The constructors
 * are passed in, so a bench can build them from another checkout's code.
 */

/** The flow constructors the table needs (src/flows/index.ts). */
export interface FlowConstructors<M> {
  realNVP(o: { layers: number; hidden: number[]; seed: number }): M;
  glow(o: { steps: number; hidden: number[]; seed: number }): M;
  maf(o: { layers: number; hidden: number[]; seed: number }): M;
  nsf(o: {
    form: 'coupling' | 'autoregressive';
    layers: number;
    hidden: number[];
    bins: number;
    tailBound: number;
    seed: number;
  }): M;
}

/**
 * The toy flows by name: realnvp, glow, maf, nsf (coupling), nsf-ar (autoregressive).
 *
 * @param f The constructors.
 */
export function toyFlows<M>(f: FlowConstructors<M>): Record<string, () => M> {
  const spline = { layers: 4, hidden: [48, 48], bins: 8, tailBound: 5, seed: 0 };
  return {
    realnvp: () => f.realNVP({ layers: 6, hidden: [48, 48], seed: 0 }),
    glow: () => f.glow({ steps: 4, hidden: [48, 48], seed: 0 }),
    maf: () => f.maf({ layers: 5, hidden: [48, 48], seed: 0 }),
    nsf: () => f.nsf({ form: 'coupling', ...spline }),
    'nsf-ar': () => f.nsf({ form: 'autoregressive', ...spline }),
  };
}
