import type { EmbeddedTableau } from '../tableau.js';

/**
 * Bogacki–Shampine 3(2) pair (Appl. Math. Lett. 2(4), 1989), FSAL; cubic Hermite dense output,
 * which for this pair is exactly the polynomial below.
 */
export const bosh3: EmbeddedTableau = {
  order: 3,
  errorOrder: 2,
  c: [0, 1 / 2, 3 / 4],
  a: [[], [1 / 2], [0, 3 / 4]],
  b: [2 / 9, 1 / 3, 4 / 9],
  e: [5 / 72, -1 / 12, -1 / 9, 1 / 8],
  dense: {
    kind: 'polynomial',
    p: [
      [1, -4 / 3, 5 / 9],
      [0, 1, -2 / 3],
      [0, 4 / 3, -8 / 9],
      [0, -1, 1],
    ],
  },
  beta: 0,
};
