import { describe, expect, it } from 'vitest';
import { holdForBackward, releaseTape, TapeHeld } from '../../solvers/tape.js';
import { type Tensor, tf } from '../../solvers/tf.js';

/** Runs `op(op(x))` under tf.grad, throws from inside, then releases the tape as callers do. */
function throwUnderGradient(op: (x: Tensor) => Tensor, x: Tensor): void {
  expect(() =>
    tf.grad((z: Tensor) => {
      op(op(z));
      throw new Error('step size underflow');
    })(x),
  ).toThrow('step size underflow');
  releaseTape();
}

/** A custom op y = x ⊙ a whose backward reads `a` through a TapeHeld instead of `save`. */
function scaledBy(a: Tensor): { op: (x: Tensor) => Tensor; copies: () => number } {
  const held = new TapeHeld([a]);
  let copies = 0;
  const op = (x: Tensor): Tensor => {
    const taped = TapeHeld.recording();
    const run = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
      const input = args[0] as Tensor;
      const before = tf.memory().numTensors;
      const [ha] = held.get(taped);
      copies += tf.memory().numTensors - before;
      return { value: tf.mul(input, a), gradFunc: (dy: Tensor) => [tf.mul(dy, ha)] };
    });
    return run(x);
  };
  return { op, copies: () => copies };
}

describe('TapeHeld', () => {
  it('gives the gradient of three chained ops, copies once per tape and leaves nothing behind', () => {
    const a = tf.tensor1d([2, -3]);
    const x = tf.tensor1d([0.5, 1.5]);
    const { op, copies } = scaledBy(a);
    const before = tf.memory().numTensors;
    const g = tf.grad((z: Tensor) => tf.sum(op(op(op(z)))))(x);
    expect(Array.from(g.dataSync())).toEqual([8, -27]); // d/dx Σ a³x = a³
    g.dispose();
    expect(copies()).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    const g2 = tf.grad((z: Tensor) => tf.sum(op(z)))(x); // a new tape: a new copy
    g2.dispose();
    expect(copies()).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, x]);
  });

  it('keeps a per-solve tensor made under the gradient alive for the backward pass', () => {
    const base = tf.tensor1d([2, -3]);
    const x = tf.tensor1d([0.5, 1.5]);
    const before = tf.memory().numTensors;
    const g = tf.grad((z: Tensor) => {
      const a = tf.mul(base, 1); // disposed when the forward scope ends, before the backward pass
      const { op } = scaledBy(a);
      return tf.sum(op(op(z)));
    })(x);
    expect(Array.from(g.dataSync())).toEqual([4, 9]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([base, x]);
  });

  it('copies nothing without a tape', () => {
    const a = tf.tensor1d([2, -3]);
    const { op, copies } = scaledBy(a);
    const y = op(a);
    expect(Array.from(y.dataSync())).toEqual([4, 9]);
    expect(copies()).toBe(0);
    tf.dispose([a, y]);
  });

  it('releaseTape disposes the copies when the function under the gradient throws', () => {
    const a = tf.tensor1d([2, -3]);
    const x = tf.tensor1d([0.5, 1.5]);
    const { op, copies } = scaledBy(a);
    const before = tf.memory().numTensors;
    throwUnderGradient(op, x);
    expect(copies()).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, x]);
  });
});

/**
 * y = sin(x)·x, a custom op whose backward reads cos(x) (made in the forward) and x (its input)
 * through holdForBackward: dy/dx = cos(x)·x + sin(x).
 */
function sinTimes(): { op: (x: Tensor) => Tensor; copies: () => number } {
  let identities = 0;
  const op = (x: Tensor): Tensor => {
    const taped = TapeHeld.recording();
    const run = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
      const input = args[0] as Tensor;
      const s = tf.sin(input);
      const c = tf.cos(input);
      const before = tf.memory().numTensors;
      const [hc, hx, hs] = holdForBackward(taped, [c, input, s]);
      identities += tf.memory().numTensors - before; // only the input is copied
      return {
        value: tf.mul(s, input),
        gradFunc: (dy: Tensor) => [tf.mul(dy, tf.add(tf.mul(hc, hx), hs))],
      };
    });
    return run(x);
  };
  return { op, copies: () => identities };
}

const X = [0.3, -1.2, 2.5];
/** d/dx of Σ f(f(x)) with f(x) = x·sin x, by the chain rule in float64. */
function expected(): number[] {
  const f = (x: number) => x * Math.sin(x);
  const df = (x: number) => Math.sin(x) + x * Math.cos(x);
  return X.map((x) => df(f(x)) * df(x));
}

describe('holdForBackward', () => {
  it('gives the gradient of chained ops, copying only the op input, and leaves nothing behind', () => {
    const x = tf.tensor1d(X);
    const { op, copies } = sinTimes();
    const before = tf.memory().numTensors;
    const g = tf.grad((z: Tensor) => tf.sum(op(op(z))))(x);
    const got = Array.from(g.dataSync());
    for (const [i, e] of expected().entries()) expect(got[i]).toBeCloseTo(e, 5);
    g.dispose();
    expect(copies()).toBe(2); // one copy of the input per evaluation, none of cos(x) or sin(x)
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('keeps nothing without a tape', () => {
    const x = tf.tensor1d(X);
    const { op, copies } = sinTimes();
    const before = tf.memory().numTensors;
    const y = op(x);
    expect(copies()).toBe(0);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, y]);
  });

  it('releaseTape disposes the held tensors when the function under the gradient throws', () => {
    const x = tf.tensor1d(X);
    const { op } = sinTimes();
    const before = tf.memory().numTensors;
    throwUnderGradient(op, x);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
