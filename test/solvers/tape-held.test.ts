import { describe, expect, it } from 'vitest';
import { holdForBackward, releaseTape, TapeHeld } from '../../solvers/tape.js';
import { type Tensor, tf } from '../../solvers/tf.js';

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
    expect(() =>
      tf.grad((z: Tensor) => {
        op(op(z));
        throw new Error('step size underflow');
      })(x),
    ).toThrow('step size underflow');
    releaseTape();
    expect(copies()).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, x]);
  });
});

/** y = exp(x) whose backward reads its own output, held with holdForBackward instead of `save`. */
function heldExp(x: Tensor): Tensor {
  const taped = TapeHeld.recording();
  const run = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const y = tf.exp(tf.mul(args[0] as Tensor, 1)); // an op-owned tensor (the value is another)
    holdForBackward([y], taped);
    return { value: tf.mul(y, 1), gradFunc: (dy: Tensor) => [tf.mul(dy, y)] };
  });
  return run(x);
}

describe('holdForBackward', () => {
  it('keeps an op-made tensor for the backward pass and disposes it with the tape', () => {
    const x = tf.tensor1d([0.5, -1]);
    const before = tf.memory().numTensors;
    const g = tf.grad((z: Tensor) => tf.sum(heldExp(heldExp(z))))(x);
    const want = [0.5, -1].map((v) => Math.exp(Math.exp(v)) * Math.exp(v));
    Array.from(g.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i], 4);
    });
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('keeps nothing without a tape, and releaseTape disposes what it held when the function throws', () => {
    const x = tf.tensor1d([0.5, -1]);
    let before = tf.memory().numTensors;
    const y = heldExp(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    y.dispose();
    before = tf.memory().numTensors;
    expect(() =>
      tf.grad((z: Tensor) => {
        heldExp(z);
        throw new Error('downstream failure');
      })(x),
    ).toThrow('downstream failure');
    releaseTape();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
