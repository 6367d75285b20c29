import type { Tensor } from './tf.js';

/**
 * A solve written once as a generator: wherever its control flow needs numbers from the device
 * (an error norm, a finiteness flag) it yields the tensor to read, and is resumed with its values.
 * The same generator runs synchronously ({@link runSync}: `dataSync`) or asynchronously
 * ({@link runAsync}: `await data()`, for backends without synchronous reads such as WebGPU), so
 * the sync and async solvers share one stepping logic. The driver disposes each yielded tensor.
 */
export type Reads<R> = Generator<Tensor, R, ArrayLike<number>>;

/** Runs `g` to completion, reading each yielded tensor with `dataSync`. */
export function runSync<R>(g: Reads<R>): R {
  let r = g.next();
  while (!r.done) {
    const x = r.value;
    let values: ArrayLike<number>;
    try {
      values = x.dataSync();
    } catch (err) {
      // the read itself failed: let the solve release what it holds, then rethrow
      x.dispose();
      r = g.throw(err);
      continue;
    }
    x.dispose();
    r = g.next(values);
  }
  return r.value;
}

/** Runs `g` to completion, awaiting each yielded tensor's `data()`; never blocks on the device. */
export async function runAsync<R>(g: Reads<R>): Promise<R> {
  let r = g.next();
  while (!r.done) {
    const x = r.value;
    let values: ArrayLike<number>;
    try {
      values = (await x.data()) as ArrayLike<number>;
    } catch (err) {
      x.dispose();
      r = g.throw(err);
      continue;
    }
    x.dispose();
    r = g.next(values);
  }
  return r.value;
}
