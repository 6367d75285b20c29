import { type Tensor, tf } from './tf.js';

/**
 * The most inputs one `tf.addN` gets here. On WebGPU an addN binds each input and its output as a
 * storage buffer, and a shader stage may bind 8 by default: a larger addN fails the device's
 * validation and its result is garbage, silently (dop853's 12-stage sums gave errors of ~14 on a
 * [64, 64] state against wasm).
 */
export const ADDN_MAX_INPUTS = 7;

/**
 * Σ tensors (same shapes) by `tf.addN` over at most {@link ADDN_MAX_INPUTS} inputs at a time, as a
 * left fold: addN(t₀ … t₆), then addN(that, t₇ … t₁₂), … — the same additions in the same order as
 * one addN of all of them (which adds its inputs left to right), so the numbers are unchanged.
 *
 * @param terms The tensors to add (at least one; a single one is returned as it is).
 */
export function addAll(terms: readonly Tensor[]): Tensor {
  if (terms.length === 0) throw new Error('addAll: no tensors to add');
  if (terms.length === 1) return terms[0];
  let acc = tf.addN(terms.slice(0, ADDN_MAX_INPUTS));
  for (let i = ADDN_MAX_INPUTS; i < terms.length; i += ADDN_MAX_INPUTS - 1) {
    const next = tf.addN([acc, ...terms.slice(i, i + ADDN_MAX_INPUTS - 1)]);
    acc.dispose();
    acc = next;
  }
  return acc;
}
