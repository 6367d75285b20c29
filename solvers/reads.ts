import type { Tensor } from './tf.js';

/**
 * A solve written once as a generator: wherever its control flow needs numbers from the device
 * (an error norm, a finiteness flag) it yields the tensor to read, and is resumed with its values.
 * The same generator runs synchronously ({@link runSync}: `dataSync`) or asynchronously
 * ({@link runAsync}: `await data()`, for backends without synchronous reads such as WebGPU), so
 * the sync and async solvers share one stepping logic. The driver disposes each yielded tensor.
 */
export type Reads<R> = Generator<Tensor, R, ArrayLike<number>>;

/** A read's outcome: the values, or the error the read threw. */
type Outcome = { values: ArrayLike<number> } | { error: unknown };

/** Disposes the read tensor and resumes the solve with the outcome (an error is thrown into it, so it can release what it holds). */
function settle<R>(g: Reads<R>, x: Tensor, outcome: Outcome) {
  x.dispose();
  return 'error' in outcome ? g.throw(outcome.error) : g.next(outcome.values);
}

/** Runs `g` to completion, reading each yielded tensor with `dataSync`. */
export function runSync<R>(g: Reads<R>): R {
  let r = g.next();
  while (!r.done) {
    let outcome: Outcome;
    try {
      outcome = { values: r.value.dataSync() };
    } catch (error) {
      outcome = { error };
    }
    r = settle(g, r.value, outcome);
  }
  return r.value;
}

/** Runs `g` to completion, awaiting each yielded tensor's `data()`; never blocks on the device. */
export async function runAsync<R>(g: Reads<R>): Promise<R> {
  let r = g.next();
  while (!r.done) {
    let outcome: Outcome;
    try {
      outcome = { values: (await r.value.data()) as ArrayLike<number> };
    } catch (error) {
      outcome = { error };
    }
    r = settle(g, r.value, outcome);
  }
  return r.value;
}
