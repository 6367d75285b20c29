import { Invert } from '../../core/chain.js';
import type { Bijector } from '../bijector.js';
import { MafLayer, type MafLayerOptions } from './maf.js';

/**
 * Inverse autoregressive flow layer (Kingma et al. 2016) on `[B, D]`: a {@link MafLayer} with its
 * directions swapped, so the generative direction (`inverse`, used for sampling) is the MADE's
 * one-pass map z' = (z − μ(z))·exp(−α(z)) and scoring data (`forward`) takes D sequential passes.
 * With `contextDim` the MADE also reads a context (e.g. an encoder's features in a VAE).
 *
 * @param dim Dimension D.
 * @param opts MADE widths, log-scale bound, seed and context width; see {@link MafLayerOptions}.
 */
export function iafLayer(dim: number, opts: MafLayerOptions = {}): Bijector {
  const inv = new Invert(new MafLayer(dim, opts));
  return Object.assign(inv, { name: 'iaf' });
}
