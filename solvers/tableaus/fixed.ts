import type { ButcherTableau } from '../tableau.js';

/** Forward Euler, order 1. */
export const euler: ButcherTableau = { order: 1, c: [0], a: [[]], b: [1] };

/** Explicit midpoint rule, order 2. */
export const midpoint: ButcherTableau = { order: 2, c: [0, 1 / 2], a: [[], [1 / 2]], b: [0, 1] };

/** Heun's method (explicit trapezoid), order 2. */
export const heun: ButcherTableau = { order: 2, c: [0, 1], a: [[], [1]], b: [1 / 2, 1 / 2] };

/** The classic Runge–Kutta method, order 4. */
export const rk4: ButcherTableau = {
  order: 4,
  c: [0, 1 / 2, 1 / 2, 1],
  a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
  b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
};

/** Kutta's 3/8 rule, order 4. */
export const rk38: ButcherTableau = {
  order: 4,
  c: [0, 1 / 3, 2 / 3, 1],
  a: [[], [1 / 3], [-1 / 3, 1], [1, -1, 1]],
  b: [1 / 8, 3 / 8, 3 / 8, 1 / 8],
};
