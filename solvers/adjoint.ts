import { AugmentedLayout, augmentedDynamics } from './adjoint-augmented.js';
import { type AdjointOptions, type ResolvedAdjoint, resolveAdjointOptions } from './adjoint-options.js';
import { OdeOptionError } from './errors.js';
import { solveList, solveSteps } from './odeint.js';
import { checkTimes } from './options.js';
import { isPerSampleTimes, type PerSampleTimes, solvePerSample } from './per-sample.js';
import { type Reads, runSync } from './reads.js';
import { type Tensor, tf } from './tf.js';
import type { OdeFunc, SolveStats } from './types.js';

/**
 * The backward pass: solves the augmented system [y, a, a_θ] from ts[N−1] back to ts[0], one output
 * interval at a time. At each ts[i] it puts back the forward solution y(ts[i]) and adds the loss
 * gradient ∂L/∂y(ts[i]). Every interval's tensors are freed before the next, so memory does not
 * depend on the number of steps. Returns [∂L/∂y0, ∂L/∂θ_1, …]. Written once for the sync and
 * async drivers (see {@link Reads}).
 */
export function* adjointBackward(
  f: OdeFunc,
  ts: readonly number[],
  ys: Tensor,
  dLdys: Tensor,
  r: ResolvedAdjoint,
): Reads<Tensor[]> {
  const shape = ys.shape.slice(1);
  const layout = new AugmentedLayout(shape, r.params);
  const g = augmentedDynamics(f, layout);
  const o = r.seminorm ? { ...r.backward, normLength: 2 * layout.n } : r.backward;
  const at = (x: Tensor, i: number) => tf.reshape(tf.gather(x, i), [-1]);
  const last = ts.length - 1;
  let z = tf.tidy(() => layout.pack(at(ys, last), at(dLdys, last), tf.zeros([layout.p])));
  const stats: SolveStats = { nfe: 0, steps: 0, rejected: 0 };
  try {
    for (let i = last; i > 0; i--) {
      // the given first step, and the warm step reported, are those of the first interval solved
      const first = i === last;
      const oi = first && r.backwardFirstStep !== undefined ? { ...o, firstStep: r.backwardFirstStep } : o;
      const { ys: zs, stats: s } = yield* solveSteps(g, z, [ts[i], ts[i - 1]], oi);
      stats.nfe += s.nfe;
      stats.steps += s.steps;
      stats.rejected += s.rejected;
      if (first && s.warmStep !== undefined) stats.warmStep = s.warmStep;
      const zEnd = zs[1];
      const next = tf.tidy(() =>
        layout.pack(
          at(ys, i - 1),
          tf.add(tf.reshape(layout.a(zEnd), [-1]), at(dLdys, i - 1)),
          layout.aTheta(zEnd),
        ),
      );
      zEnd.dispose();
      z.dispose();
      z = next;
    }
  } catch (err) {
    z.dispose();
    throw err;
  }
  r.onBackwardStats?.(stats);
  const grads = tf.tidy(() => [layout.a(z), ...layout.splitParams(layout.aTheta(z))]);
  z.dispose();
  return grads;
}

/**
 * Solves dy/dt = f(t, y), y(ts[0]) = y0 like {@link odeint} (same result, shape
 * `[ts.length, ...y0.shape]`), with gradients by the adjoint method (Chen et al. 2018,
 * optimise-then-discretise): the forward solve records nothing on the tape, and the backward pass
 * solves the augmented system [y, a, a_θ] in reverse time, so memory does not grow with the number
 * of steps. Gradients reach y0 and `options.params` (default `f.params` for an OdeModule).
 * Vector–Jacobian products use first-order tfjs autodiff of one evaluation of f.
 *
 * The backward solve has its own `adjointRtol`, `adjointAtol`, `adjointMethod`, `adjointStepSize`
 * (defaults: the forward ones), `adjointNorm` (`'seminorm'` leaves a_θ out of step control,
 * Kidger, Chen & Lyons 2021) and `adjointFirstStep` (default: the initial-step heuristic). Its
 * gradient is that of the exact flow up to the backward solve's error, not the exact gradient of
 * the discrete forward solve (which `tf.grad` through `odeint` gives).
 *
 * @example
 * const theta = tf.variable(tf.scalar(0.5));
 * const f = Object.assign((t: number, y: tf.Tensor) => tf.mul(theta, y), { params: [theta] });
 * const { grads } = tf.variableGrads(() => tf.sum(odeintAdjoint(f, y0, [0, 1])));
 *
 * @param f The right-hand side f(t, y), as for {@link odeint}; an {@link OdeModule} carries its variables in `params`.
 * @param y0 The initial state y(ts[0]).
 * @param ts Output times, increasing or decreasing; or per-sample `[B, T]`, as in {@link odeint}: the result is then `[T, B, ...]`.
 * @param options The forward solver options of {@link odeint}, `params` (the variables to differentiate; default `f.params`), and the backward solve's `adjointRtol`, `adjointAtol`, `adjointMethod`, `adjointStepSize`, `adjointNorm`: see {@link AdjointOptions}.
 */
export function odeintAdjoint(
  f: OdeFunc,
  y0: Tensor,
  ts: readonly number[] | PerSampleTimes,
  options: AdjointOptions = {},
): Tensor {
  if (!(y0 instanceof tf.Tensor)) throw new OdeOptionError(`y0 must be a tf.Tensor; got ${String(y0)}`);
  if (isPerSampleTimes(ts)) {
    return solvePerSample(y0, ts, 'odeintAdjoint', (u) => odeintAdjoint(f, y0, u, options));
  }
  checkTimes(ts);
  const r = resolveAdjointOptions(f, y0, options);
  const times = [...ts];
  const run = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { ys, stats } = solveList(f, args[0] as Tensor, times, r.forward);
    r.onForwardStats?.(stats);
    const value = tf.stack(ys);
    save([value]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => runSync(adjointBackward(f, times, saved[0], dy, r)),
    };
  });
  return run(y0, ...r.params);
}
