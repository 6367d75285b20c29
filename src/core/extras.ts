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
