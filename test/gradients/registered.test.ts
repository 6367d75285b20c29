import { describe, expect, it } from 'vitest';
import {
  CNF,
  FlowMatchingModel,
  glow,
  maf,
  mlpField,
  nice,
  odeint,
  odeintAdjoint,
  planar,
  radial,
  realNVP,
  tf,
} from '../../src/index.js';

/**
 * The kernels odeflow's first-order gradients run through (data). Gradients are registered by
 * solvers/tf.ts from tfjs-core's own `register_all_gradients` (no @tensorflow/tfjs union package);
 * each kernel here must have one, and the computations below must record no other kernel on the
 * tape — so a model that starts using a new op shows up here, not as "gradient function not found".
 */
const GRADIENT_KERNELS = [
  'Abs',
  'Add',
  'AddN',
  'GatherV2',
  'PadV2',
  'SplitV',
  'ZerosLike',
  'BatchMatMul',
  'Cast',
  'Concat',
  'Cos',
  'RealDiv',
  'Exp',
  'ExpandDims',
  'Identity',
  'Log',
  'Maximum',
  'Mean',
  'Minimum',
  'Multiply',
  'Neg',
  'Pack',
  'Pow',
  'Reciprocal',
  'Relu',
  'Reshape',
  'Sigmoid',
  'Sin',
  'Slice',
  'Softplus',
  'Sqrt',
  'Square',
  'SquaredDifference',
  'Sub',
  'Sum',
  'Tanh',
  'Tile',
  'Transpose',
];

interface Engine {
  addTapeNode: (
    kernelName: string,
    inputs: Record<string, unknown>,
    outputs: unknown,
    gradientsFunc: unknown,
    ...rest: unknown[]
  ) => void;
}

/**
 * Runs `fn` and returns the names of the kernels it put on a gradient tape that take tensor inputs
 * and rely on the gradient registry (custom-gradient nodes bring their own gradient function),
 * with a float output (boolean results such as NaN checks carry no gradient).
 */
function taped(fn: () => void): Set<string> {
  const engine = tf.engine() as unknown as Engine;
  const original = engine.addTapeNode;
  const names = new Set<string>();
  engine.addTapeNode = function (this: Engine, kernelName, inputs, outputs, gradientsFunc, ...rest) {
    const float = (outputs as { dtype: string }[]).some((o) => o.dtype === 'float32');
    if (Object.keys(inputs).length > 0 && gradientsFunc == null && float) names.add(kernelName);
    return original.call(this, kernelName, inputs, outputs, gradientsFunc, ...rest);
  };
  try {
    fn();
  } finally {
    engine.addTapeNode = original;
  }
  return names;
}

/** First-order gradients of a density model's training loss with respect to its parameters. */
function lossGrads(
  model: { params: readonly tf.Variable[]; trainLoss(x: tf.Tensor): { loss: tf.Tensor } },
  x: tf.Tensor,
) {
  return () => {
    const { value, grads } = tf.variableGrads(() => model.trainLoss(x).loss as tf.Scalar, [...model.params]);
    for (const g of Object.values(grads)) {
      expect(Number.isFinite(tf.sum(g).dataSync()[0])).toBe(true);
    }
    tf.dispose([value, ...Object.values(grads)]);
  };
}

describe('registered gradients', () => {
  it('every kernel in the list has a registered gradient', () => {
    const missing = GRADIENT_KERNELS.filter((k) => tf.getGradient(k) === undefined);
    expect(missing).toEqual([]);
  });

  it("the kernels on the tape of odeflow's gradient paths are all in the list (and so have gradients)", () => {
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', 1);
    const seen = new Set<string>();
    const add = (s: Set<string>) => {
      for (const k of s) seen.add(k);
    };
    const f = mlpField({ dim: 2, hidden: [8, 8], activation: 'tanh' });
    add(
      taped(() =>
        tf.dispose(tf.variableGrads(() => tf.mean(tf.square(odeint(f, x, [0, 0.5, 1]))) as tf.Scalar)),
      ),
    );
    add(
      taped(() =>
        tf.dispose(
          tf.variableGrads(
            () =>
              tf.mean(tf.square(odeintAdjoint(f, x, [0, 1], { method: 'rk4', stepSize: 0.25 }))) as tf.Scalar,
          ),
        ),
      ),
    );
    for (const divergence of ['exact', 'hutchinson'] as const) {
      for (const adjoint of [false, true]) {
        const cnf = new CNF({ dim: 2, hidden: [8, 8], divergence, adjoint, method: 'rk4', stepSize: 0.25 });
        add(taped(lossGrads(cnf, x)));
      }
    }
    for (const model of [
      realNVP({ dim: 2 }),
      nice({ dim: 2 }),
      glow({ dim: 2 }),
      maf({ dim: 2 }),
      planar({ dim: 2 }),
      radial({ dim: 2 }),
      new FlowMatchingModel(mlpField({ dim: 2, hidden: [8, 8] }), { objective: 'ot-cfm' }),
    ]) {
      add(taped(lossGrads(model, x)));
    }
    expect([...seen].filter((k) => !GRADIENT_KERNELS.includes(k)).sort()).toEqual([]);
    expect(seen.size).toBeGreaterThan(10);
    for (const k of seen) expect(tf.getGradient(k), k).toBeDefined();
  });
});
