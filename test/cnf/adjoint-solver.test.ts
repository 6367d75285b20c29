import { describe, expect, it } from 'vitest';
import { cnfFromConfig } from '../../src/cnf/from-config.js';
import type { CnfOptions } from '../../src/cnf/index.js';
import { autodiffLossAndGradients } from '../../src/core/autodiff.js';
import { tf } from '../../src/index.js';
import { ConfigError } from '../../src/validate.js';
import { relErr } from '../gradients/helpers.js';
import { disposeModel, eightGaussians, smallCnf } from './helpers.js';

const TRAIN = { method: 'dopri5', rtol: 1e-4, atol: 1e-4 } as const;

/** The flat training gradient and the backward NFE of one CNF built with `extra`. */
function gradientOf(extra: Partial<CnfOptions>, x: tf.Tensor): { g: number[]; nfeBackward: number } {
  const cnf = smallCnf({ T: 2, solver: { ...TRAIN }, ...extra });
  try {
    // backprop: plain autodiff of trainLoss, as train takes it
    const out = cnf.lossAndGradients(x) ?? autodiffLossAndGradients(() => cnf.trainLoss(x), cnf.params);
    const g = out.grads.flatMap((t) => Array.from(t.dataSync()));
    tf.dispose([out.loss, ...out.grads]);
    return { g, nfeBackward: Number(out.info.nfeBackward ?? 0) };
  } finally {
    cnf.dispose(); // its variables, and what an adjoint block keeps for a pending backward pass
  }
}

describe('CNF adjointSolver: the backward solve’s own settings', () => {
  it('a tighter backward solve takes more steps and lands nearer the gradient; a fixed-step one its exact steps', () => {
    const x = eightGaussians(64, 3);
    const before = tf.memory().numTensors;
    // the reference: backprop through a forward solve at 1e-6 (a different method of gradient)
    const reference = gradientOf(
      { gradient: 'backprop', solver: { method: 'dopri5', rtol: 1e-6, atol: 1e-6 } },
      x,
    );
    const loose = gradientOf({ gradient: 'adjoint', adjointSolver: { rtol: 1e-2, atol: 1e-2 } }, x);
    const plain = gradientOf({ gradient: 'adjoint' }, x);
    const tight = gradientOf({ gradient: 'adjoint', adjointSolver: { rtol: 1e-6, atol: 1e-6 } }, x);
    const same = gradientOf(
      { gradient: 'adjoint', adjointSolver: { rtol: TRAIN.rtol, atol: TRAIN.atol } },
      x,
    );
    // T = 2 in steps of 0.25: 8 Euler steps, one evaluation each
    const euler = gradientOf({ gradient: 'adjoint', adjointSolver: { method: 'euler', stepSize: 0.25 } }, x);
    expect(euler.nfeBackward).toBe(8);
    expect(tight.nfeBackward).toBeGreaterThan(plain.nfeBackward);
    expect(plain.nfeBackward).toBeGreaterThan(loose.nfeBackward);
    const err = (r: { g: number[] }) => relErr(r.g, reference.g);
    expect(err(tight)).toBeLessThan(err(plain));
    expect(err(plain)).toBeLessThan(err(loose));
    expect(err(tight)).toBeLessThan(1e-5);
    expect(err(euler)).toBeGreaterThan(1e-2);
    // the forward's own tolerances given explicitly: the same solve, the same numbers
    expect(same.g).toEqual(plain.g);
    expect(same.nfeBackward).toBe(plain.nfeBackward);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('the read-free adjoint gradient (lossAndGradientsAsync) uses them too', async () => {
    const x = eightGaussians(64, 4);
    const adjointSolver = { method: 'euler', stepSize: 0.25 } as const;
    const sync = gradientOf({ gradient: 'adjoint', adjointSolver }, x);
    const cnf = smallCnf({ T: 2, solver: { ...TRAIN }, gradient: 'adjoint', adjointSolver });
    const out = await cnf.lossAndGradientsAsync(x);
    if (!out) throw new Error('no adjoint gradient');
    expect(out.info.nfeBackward).toBe(8);
    const g = out.grads.flatMap((t) => Array.from(t.dataSync()));
    expect(relErr(g, sync.g)).toBeLessThan(1e-5);
    tf.dispose([out.loss, ...out.grads, x]);
    cnf.dispose();
  });

  it('is kept in config() and read back from it; bad settings name the key and the range', () => {
    const cnf = smallCnf({
      gradient: 'adjoint',
      adjointSolver: { method: 'rk4', stepSize: 0.05, norm: 'seminorm' },
    });
    const c = cnf.config();
    expect(c.adjointSolver).toEqual({ method: 'rk4', stepSize: 0.05, norm: 'seminorm' });
    const again = cnfFromConfig({ ...c });
    expect(again.config().adjointSolver).toEqual(c.adjointSolver);
    disposeModel(cnf);
    disposeModel(again);
    const bad =
      (adjointSolver: unknown, gradient: 'adjoint' | 'backprop' = 'adjoint') =>
      () =>
        smallCnf({ gradient, adjointSolver: adjointSolver as CnfOptions['adjointSolver'] });
    expect(bad({ rtol: -1 })).toThrow(ConfigError);
    expect(bad({ rtol: -1 })).toThrow(/adjointSolver\.rtol/);
    expect(bad({ method: 'rk5' })).toThrow(/method = "rk5" is invalid/);
    expect(bad({ tolerance: 1 })).toThrow(/unknown option 'tolerance'/);
    expect(bad({ norm: 'max' })).toThrow(/norm = "max" is invalid: expected 'rms' or 'seminorm'/);
    expect(bad({ method: 'dopri5', stepSize: 0.1 })).toThrow(/adjointStepSize is for fixed-step methods/);
    expect(bad({ rtol: 1e-3 }, 'backprop')).toThrow(/only with gradient 'adjoint'/);
    expect(() => cnfFromConfig({ ...smallCnf().config(), adjointSolver: { rtol: 'tight' } })).toThrow(
      /rtol = "tight" is invalid/,
    );
  });
});
