import type { SolverOptions } from '../../solvers/options.js';

/**
 * The CNF's solver settings when none are given: FFJORD's dopri5 at rtol = atol = 1e-5
 * (Grathwohl et al. 2019). Every other field takes the solvers' own defaults (solvers/options.ts).
 */
export const FFJORD_SOLVER: Readonly<SolverOptions> = Object.freeze({
  method: 'dopri5',
  rtol: 1e-5,
  atol: 1e-5,
});
