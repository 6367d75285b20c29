/**
 * Exponential moving average of a series, debiased as TensorBoard and Adam debias it:
 * s_k = (Σ_{i≤k} w^{k−i}(1 − w) y_i) / (1 − w^{k+1}), so the first points are not pulled
 * towards zero. `weight` in [0, 1): 0 returns the series unchanged, 0.9 averages over roughly
 * the last 10 points. Non-finite values (and nulls) are skipped and left as null.
 *
 * @param values The series (nulls and non-finite values are skipped).
 * @param weight Smoothing weight in [0, 1).
 */
export function smoothEma(values: readonly (number | null | undefined)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) {
    throw new Error(`smoothing weight must be in [0, 1), got ${weight} (in smoothEma)`);
  }
  let acc = 0;
  let norm = 0;
  return values.map((v) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return null;
    acc = weight * acc + (1 - weight) * v;
    norm = weight * norm + (1 - weight);
    return acc / norm;
  });
}
