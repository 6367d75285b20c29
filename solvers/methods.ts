import type { ButcherTableau, EmbeddedTableau } from './tableau.js';
import { bosh3 } from './tableaus/bosh3.js';
import { dop853 } from './tableaus/dop853.js';
import { dopri5 } from './tableaus/dopri5.js';
import { euler, heun, midpoint, rk4, rk38 } from './tableaus/fixed.js';
import { tsit5 } from './tableaus/tsit5.js';
import type { AdaptiveMethodName, FixedMethodName } from './types.js';

/** Fixed-step methods by name. */
export const FIXED_METHODS: Readonly<Record<FixedMethodName, ButcherTableau>> = {
  euler,
  midpoint,
  heun,
  rk4,
  rk38,
};

/** Adaptive embedded pairs by name. */
export const ADAPTIVE_METHODS: Readonly<Record<AdaptiveMethodName, EmbeddedTableau>> = {
  bosh3,
  dopri5,
  tsit5,
  dop853,
};

export function isAdaptive(name: string): name is AdaptiveMethodName {
  return name in ADAPTIVE_METHODS;
}
