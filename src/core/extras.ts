import { type Tensor, tf } from '../../solvers/tf.js';
import type { Extras } from './transform.js';

function addTensor(a: Tensor | undefined, b: Tensor | undefined): Tensor | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return tf.add(a, b);
}

/** The sum of two layers' {@link Extras}, field by field and name by name (undefined when both are). */
export function sumExtras(a: Extras | undefined, b: Extras | undefined): Extras | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const terms: Record<string, Tensor> = { ...(a.terms ?? {}) };
  for (const [k, v] of Object.entries(b.terms ?? {})) terms[k] = addTensor(terms[k], v) ?? v;
  const stats: Record<string, number> = { ...(a.stats ?? {}) };
  for (const [k, v] of Object.entries(b.stats ?? {})) stats[k] = (stats[k] ?? 0) + v;
  const penalty = addTensor(a.penalty, b.penalty);
  return { ...(penalty ? { penalty } : {}), terms, stats };
}

/** The tensors an {@link Extras} holds (to keep or dispose them). */
export function extrasTensors(e: Extras | undefined): Tensor[] {
  if (!e) return [];
  return [...(e.penalty ? [e.penalty] : []), ...Object.values(e.terms ?? {})];
}

/**
 * Adds one layer's log|det| and extras to running sums outside a tidy scope (async passes, where an
 * await cannot sit inside one): the sums are made, then every tensor they replace is disposed.
 *
 * @param logDet The running log|det| (disposed).
 * @param extras The running extras (tensors not carried into the sum are disposed).
 * @param r The layer's result (its log|det| is disposed; its extras as `extras`).
 * @returns The new running log|det| and extras.
 */
export function addOwned(
  logDet: Tensor,
  extras: Extras | undefined,
  r: { logDet: Tensor; extras?: Extras },
): { logDet: Tensor; extras: Extras | undefined } {
  const next = tf.add(logDet, r.logDet);
  logDet.dispose();
  r.logDet.dispose();
  const summed = sumExtras(extras, r.extras);
  const kept = new Set(extrasTensors(summed));
  for (const t of [...extrasTensors(extras), ...extrasTensors(r.extras)]) if (!kept.has(t)) t.dispose();
  return { logDet: next, extras: summed };
}
