import { OdeOptionError } from './errors.js';
import { solveSteps, stackOutputs } from './odeint.js';
import { resolveOptions } from './options.js';
import type { SolvePlan } from './plan.js';
import { runAsync, runSync } from './reads.js';
import type { Tensor } from './tf.js';
import type { OdeFunc, OdeintOptions, SolveResult } from './types.js';

/** What {@link solveIvpAsync} returns: {@link SolveResult} and the plan of the accepted steps. */
export interface AsyncSolveResult extends SolveResult {
  /** The accepted steps, for {@link replayIvp} (a synchronous, read-free replay for gradients). */
  plan: SolvePlan;
}

/**
 * {@link solveIvp} that never blocks on the device: the same solve (same options, same steps, same
 * numbers), but every value its control flow needs — one error norm per step, with the NaN/Inf
 * check folded into it — is read with `await data()`, never `dataSync`. Works on backends without
 * synchronous reads (WebGPU) and keeps the main thread free elsewhere.
 *
 * The result is not on a gradient tape (an `await` cannot sit inside `tf.grad`). For gradients,
 * pass `result.plan` to {@link replayIvp} inside `tf.grad` / `tf.variableGrads`: it takes the same
 * steps without reading anything, so it gives the gradient of backpropagation through the
 * synchronous solve.
 *
 * @param f Right-hand side dy/dt = f(t, y).
 * @param y0 Initial state at `ts[0]`, any shape.
 * @param ts Output times, strictly monotone (increasing or decreasing), at least two.
 * @param options Solver options; see {@link OdeintOptions} for each default.
 *
 * @example
 * const { ys, stats, plan } = await solveIvpAsync((t, y) => tf.neg(y), y0, [0, 1]);
 */
export async function solveIvpAsync(
  f: OdeFunc,
  y0: Tensor,
  ts: readonly number[],
  options?: OdeintOptions,
): Promise<AsyncSolveResult> {
  const o = resolveOptions(options);
  const times = [...ts];
  const { ys, stats, stepEnds } = await runAsync(solveSteps(f, y0, times, o));
  return { ys: stackOutputs(ys), stats, plan: { ts: times, shape: [...y0.shape], options: o, stepEnds } };
}

/**
 * {@link odeint} without synchronous reads: y at every time in `ts`, stacked, shape
 * `[ts.length, ...y0.shape]`. See {@link solveIvpAsync}.
 *
 * @param f Right-hand side dy/dt = f(t, y).
 * @param y0 Initial state at `ts[0]`, any shape.
 * @param ts Output times, strictly monotone (increasing or decreasing), at least two.
 * @param options Solver options; see {@link OdeintOptions} for each default.
 *
 * @example
 * const ys = await odeintAsync((t, y) => tf.neg(y), tf.tensor1d([1]), [0, 1, 2]);
 */
export async function odeintAsync(
  f: OdeFunc,
  y0: Tensor,
  ts: readonly number[],
  options?: OdeintOptions,
): Promise<Tensor> {
  return (await solveIvpAsync(f, y0, ts, options)).ys;
}

/**
 * Replays a solve from its plan synchronously and without any read from the device: the accepted
 * steps of the plan (stages, first-same-as-last reuse, dense outputs) and nothing else. Called
 * under `tf.grad` / `tf.variableGrads`, it gives the gradient of backpropagation through
 * {@link solveIvp} (discretise-then-optimise) with the step sizes chosen asynchronously. `f` and
 * `y0` should be those the plan was made with (the values may differ — e.g. perturbed for a
 * finite difference — but the steps stay the plan's).
 *
 * @param f The same right-hand side as in the solve that made `plan` (its parameters may have changed).
 * @param y0 Initial state, same shape as in that solve.
 * @param plan `result.plan` of {@link solveIvpAsync}.
 *
 * @example
 * const { plan } = await solveIvpAsync(f, y0, ts);
 * const { grads } = tf.variableGrads(() => tf.sum(replayIvp(f, y0, plan).ys));
 */
export function replayIvp(f: OdeFunc, y0: Tensor, plan: SolvePlan): SolveResult {
  const same = plan.shape.length === y0.shape.length && plan.shape.every((d, i) => d === y0.shape[i]);
  if (!same) {
    throw new OdeOptionError(
      `replayIvp: y0 has shape [${y0.shape.join(', ')}], but the plan was made for [${plan.shape.join(', ')}]`,
    );
  }
  const { ys, stats } = runSync(solveSteps(f, y0, plan.ts, plan.options, plan.stepEnds));
  return { ys: stackOutputs(ys), stats };
}
