/**
 * Each typed error, with the values it must name, and no leaked tensor when it is thrown.
 */
import { describe, expect, it } from 'vitest';
import {
  MaxStepsError,
  NonFiniteError,
  OdeError,
  type OdeintOptions,
  OdeOptionError,
  OdeShapeError,
  odeint,
  StepSizeUnderflowError,
  solveIvp,
  tf,
} from '../../src/index.js';

/** Runs `fn`, expects it to throw, and checks that no tensor was left behind. */
function throwsWithoutLeak(fn: () => unknown): unknown {
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an error').toBeDefined();
  expect(tf.memory().numTensors).toBe(before);
  return caught;
}

const y0 = tf.keep(tf.tensor1d([1, 2]));
const neg = (_t: number, y: tf.Tensor) => tf.neg(y);

describe('StepSizeUnderflowError', () => {
  it('says t and h when the solution blows up in finite time (y′ = y², y(0) = 1, blow-up at t = 1)', () => {
    const one = tf.tensor1d([1]);
    const err = throwsWithoutLeak(() => odeint((_t, y) => tf.square(y), one, [0, 2]));
    if (!(err instanceof StepSizeUnderflowError || err instanceof NonFiniteError)) throw err;
    // float32 overflows to Inf or the step underflows close to the singularity at t = 1
    expect(err.t).toBeGreaterThan(0.99);
    expect(err.t).toBeLessThan(1.0001);
    if (err instanceof StepSizeUnderflowError) {
      expect(Math.abs(err.h)).toBeLessThan(1e-10);
      expect(err.message).toContain(`t = ${err.t}`);
      expect(err.message).toContain(`h = ${err.h}`);
    }
  });

  it('is thrown for a singular right-hand side y′ = 1/(1 − t) at t = 1, naming t and h', () => {
    const zero = tf.tensor1d([0]);
    const err = throwsWithoutLeak(() =>
      odeint((t, y) => tf.add(tf.mul(y, 0), 1 / Math.abs(1 - t) ** 1.5), zero, [0, 2], {
        rtol: 1e-3,
        atol: 1e-3,
        maxSteps: 100_000,
      }),
    );
    expect(err).toBeInstanceOf(StepSizeUnderflowError);
    const e = err as StepSizeUnderflowError;
    expect(e.t).toBeGreaterThan(0.99);
    expect(e.t).toBeLessThan(1);
    expect(Math.abs(e.h)).toBeGreaterThan(0);
    expect(e.message).toMatch(/step size underflow at t = [\d.]+ \(h = [\de.-]+\)/);
  });
});

describe('MaxStepsError', () => {
  it.each(['dopri5', 'rk4'] as const)('%s: says the t reached, and maxSteps', (method) => {
    const opts: OdeintOptions =
      method === 'rk4' ? { method, stepSize: 0.01, maxSteps: 10 } : { method, maxSteps: 10 };
    const err = throwsWithoutLeak(() => odeint(neg, y0, [0, 0.5, 100], opts));
    expect(err).toBeInstanceOf(MaxStepsError);
    const e = err as MaxStepsError;
    expect(e.maxSteps).toBe(10);
    expect(e.t).toBeGreaterThan(0);
    expect(e.t).toBeLessThan(100);
    if (method === 'rk4') expect(e.t).toBeCloseTo(0.1, 10);
    expect(e.message).toContain(`at t = ${e.t}`);
    expect(e.message).toContain('maxSteps = 10');
  });
});

describe('NonFiniteError', () => {
  it('adaptive: says the t at which f turns NaN (f = NaN for t > 0.5)', () => {
    const f = (t: number, y: tf.Tensor) => (t > 0.5 ? tf.mul(y, Number.NaN) : tf.neg(y));
    const err = throwsWithoutLeak(() => odeint(f, y0, [0, 0.25, 1]));
    expect(err).toBeInstanceOf(NonFiniteError);
    const e = err as NonFiniteError;
    expect(e.t).toBeGreaterThan(0.25);
    expect(e.t).toBeLessThanOrEqual(0.5);
    expect(e.message).toContain(`at t = ${e.t}`);
  });

  it('fixed-step: says the output time at which the state is NaN', () => {
    const f = (t: number, y: tf.Tensor) => (t >= 0.5 ? tf.mul(y, Number.NaN) : tf.neg(y));
    const err = throwsWithoutLeak(() => odeint(f, y0, [0, 0.25, 0.75, 1], { method: 'rk4', stepSize: 0.05 }));
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).t).toBe(0.75);
  });

  it('rejects a non-finite y0', () => {
    const inf = tf.tensor1d([1, Number.POSITIVE_INFINITY]);
    const err = throwsWithoutLeak(() => odeint(neg, inf, [0, 1]));
    expect(err).toBeInstanceOf(NonFiniteError);
  });
});

describe('OdeOptionError names the option and its valid range', () => {
  const bad: [Partial<Record<string, unknown>>, string, RegExp][] = [
    [{ rtol: 1e-9 }, 'rtol', /\(5\.96e-7, 1\)/],
    [{ rtol: 2 }, 'rtol', /\(5\.96e-7, 1\)/],
    [{ atol: -1 }, 'atol', /≥ 0/],
    [{ method: 'rk5' }, 'method', /one of euler, .*dop853/],
    [{ method: 'rk4', stepSize: 0 }, 'stepSize', /> 0/],
    [{ firstStep: -1 }, 'firstStep', /> 0/],
    [{ maxStep: 0 }, 'maxStep', /> 0/],
    [{ maxSteps: 1.5 }, 'maxSteps', /whole number > 0/],
    [{ safety: 1 }, 'safety', /\(0, 1\)/],
    [{ maxFactor: 1 }, 'maxFactor', /> 1/],
    [{ minFactor: 0 }, 'minFactor', /\(0, 1\)/],
    [{ beta: 0.5 }, 'beta', /\[0, 0\.2\)/],
  ];
  it.each(bad)('%o → %s', (opts, name, range) => {
    const err = throwsWithoutLeak(() => odeint(neg, y0, [0, 1], opts as OdeintOptions));
    expect(err).toBeInstanceOf(OdeOptionError);
    expect((err as Error).message).toContain(`option ${name} = `);
    expect((err as Error).message).toMatch(range);
  });

  it('rejects unknown options, stepSize with an adaptive method, and bad ts', () => {
    for (const fn of [
      () => odeint(neg, y0, [0, 1], { rtoll: 1e-3 } as OdeintOptions),
      () => odeint(neg, y0, [0, 1], { method: 'dopri5', stepSize: 0.1 }),
      () => odeint(neg, y0, [0]),
      () => odeint(neg, y0, [0, 1, 1]),
      () => odeint(neg, y0, [0, Number.NaN]),
    ]) {
      expect(throwsWithoutLeak(fn)).toBeInstanceOf(OdeOptionError);
    }
  });
});

describe('OdeShapeError', () => {
  it.each(['dopri5', 'dop853', 'euler'] as const)(
    '%s: f returning the wrong shape, at once or later',
    (method) => {
      const wrong = (_t: number, _y: tf.Tensor) => tf.zeros([3]);
      const e1 = throwsWithoutLeak(() => odeint(wrong, y0, [0, 1], { method }));
      expect(e1).toBeInstanceOf(OdeShapeError);
      expect((e1 as Error).message).toContain('returned shape [3], but the state y has shape [2]');
      let n = 0;
      const later = (_t: number, y: tf.Tensor) => (++n > 10 ? tf.reshape(y, [2, 1]) : tf.neg(y));
      const e2 = throwsWithoutLeak(() =>
        odeint(later, y0, [0, 0.5, 1, 2], { method, stepSize: method === 'euler' ? 0.1 : undefined }),
      );
      expect(e2).toBeInstanceOf(OdeShapeError);
      expect(e2).toBeInstanceOf(OdeError);
    },
  );

  it('f returning the wrong dtype', () => {
    const err = throwsWithoutLeak(() => odeint((_t, y) => tf.cast(y, 'int32'), y0, [0, 1]));
    expect(err).toBeInstanceOf(OdeShapeError);
    expect((err as Error).message).toContain('dtype int32');
  });
});

describe('errors thrown by f itself', () => {
  it('propagate unchanged and leave no tensor behind', () => {
    let n = 0;
    const f = (_t: number, y: tf.Tensor) => {
      if (++n > 15) throw new RangeError('boom');
      return tf.neg(y);
    };
    const err = throwsWithoutLeak(() => solveIvp(f, y0, [0, 0.1, 0.2, 5]));
    expect(err).toBeInstanceOf(RangeError);
  });
});
