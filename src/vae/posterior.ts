import { CNF } from '../cnf/cnf.js';
import { chain, invert } from '../core/chain.js';
import type { Bijector } from '../core/transform.js';
import { Rng } from '../data/rng.js';
import { amortisedPlanar } from '../flows/bijectors/amortised-planar.js';
import { amortisedRadial } from '../flows/bijectors/amortised-radial.js';
import { iafLayer } from '../flows/bijectors/iaf.js';
import { permutation } from '../flows/bijectors/permutation.js';

/** Posterior families of the VAE: a diagonal Gaussian, or the Gaussian followed by flow steps. */
export type PosteriorKind = 'gaussian' | 'planar' | 'radial' | 'iaf' | 'cnf';

/** The posterior kinds. */
export const POSTERIOR_KINDS: readonly PosteriorKind[] = ['gaussian', 'planar', 'radial', 'iaf', 'cnf'];

/** Options of {@link posteriorFlow}. */
export interface PosteriorFlowOptions {
  /** Latent dimension L. */
  readonly latent: number;
  /** Width H of the encoder features every step reads as its context. */
  readonly contextDim: number;
  /** Flow steps K (planar, radial, IAF layers; for the CNF, its RK4 steps over t ∈ [0, 1]). */
  readonly steps: number;
  /** Hidden widths of the IAF's MADE and of the CNF's field. Default [32, 32]. */
  readonly hidden?: readonly number[];
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/**
 * The posterior flow z₀ → z_K of a VAE as one {@link Bijector} whose `inverse` is the generative
 * (sampling) direction, z_K = inverse(z₀; h), h the encoder features, with log|det ∂z_K/∂z₀|:
 * - `planar`, `radial`: K amortised layers (parameters a function of h; Rezende & Mohamed 2015),
 *   closed form in this direction;
 * - `iaf`: K IAF layers whose MADEs read h (Kingma et al. 2016), one pass each, order reversed between;
 * - `cnf`: one conditional CNF block dz/dt = f(t, z, h) on [0, 1] with K fixed RK4 steps.
 * `gaussian` has no flow: null.
 *
 * @param kind The posterior family.
 * @param o Latent size, steps, feature width, widths and seed; see {@link PosteriorFlowOptions}.
 */
export function posteriorFlow(kind: PosteriorKind, o: PosteriorFlowOptions): Bijector | null {
  const seeds = new Rng(o.seed ?? 0);
  const hidden = o.hidden ?? [32, 32];
  const L = o.latent;
  const H = o.contextDim;
  if (!(Number.isInteger(o.steps) && o.steps >= 1)) {
    throw new Error(`posteriorFlow: steps = ${o.steps} is invalid: expected a whole number ≥ 1`);
  }
  switch (kind) {
    case 'gaussian':
      return null;
    case 'planar':
      return invert(
        chain(Array.from({ length: o.steps }, () => amortisedPlanar(L, H, { seed: seeds.seed() }))),
      );
    case 'radial':
      return invert(
        chain(Array.from({ length: o.steps }, () => amortisedRadial(L, H, { seed: seeds.seed() }))),
      );
    case 'iaf': {
      const layers: Bijector[] = [];
      for (let i = 0; i < o.steps; i++) {
        if (i > 0) layers.push(permutation(L, 'reverse'));
        layers.push(iafLayer(L, { contextDim: H, hidden, seed: seeds.seed() }));
      }
      return chain(layers);
    }
    case 'cnf': {
      const cnf = new CNF({
        dim: L,
        hidden,
        contextDim: H,
        T: 1,
        trainT: false,
        solver: { method: 'rk4', stepSize: 1 / o.steps },
        seed: seeds.seed(),
      });
      return invert(cnf.bijector);
    }
    default:
      throw new Error(
        `posteriorFlow: kind '${String(kind)}' is unknown; expected one of ${POSTERIOR_KINDS.join(', ')}`,
      );
  }
}
