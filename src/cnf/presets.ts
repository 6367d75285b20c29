import type { CnfOptions } from './options.js';
import { FFJORD_SOLVER } from './solver-defaults.js';

/**
 * FFJORD's toy-density setting (DESIGN.md §4; Grathwohl et al. 2019): concatsquash 64-64-64,
 * tanh, end time 0.5 trainable, exact divergence, dopri5 at rtol = atol = 1e-5.
 */
export const FFJORD_TOY: Readonly<Omit<CnfOptions, 'dim'>> = {
  hidden: [64, 64, 64],
  layer: 'concatsquash',
  activation: 'tanh',
  T: 0.5,
  trainT: true,
  divergence: 'exact',
  solver: FFJORD_SOLVER,
};
