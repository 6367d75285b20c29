import { addAll } from '../../solvers/add-all.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import { sumExtras } from '../core/extras.js';
import { standardNormalLogProb } from '../core/normal.js';
import type { Extras } from '../core/transform.js';
import type { LossInfo } from '../model.js';
import type { CnfAdjointPass, CnfBlock } from './block.js';

/** What {@link adjointLossAndGradientsAsync} returns. */
export interface AdjointLossAndGradients {
  /** Scalar training loss (as the CNF's `trainLoss` gives it). */
  loss: Tensor;
  /** Gradients in `params` order (zeros for a variable the loss does not reach). */
  grads: Tensor[];
  /** `nfe`, `nfeBackward` (this step's backward solves), and with regularizers `nll` and each term. */
  info: LossInfo;
}

/**
 * The training loss of a chain of CNF blocks with `gradient: 'adjoint'` (data → latent, standard
 * normal base) and its gradients, reading nothing synchronously: each block's forward solve
 * picks its steps with async reads ({@link CnfBlock.adjointForwardAsync}); the loss
 * −mean(log N(z) + Σ log|det|) + mean(Σ penalty) and its gradient in each block's packed end state
 * come from first-order autodiff; then, last block first, each block's adjoint solve
 * ({@link CnfBlock.adjointBackwardAsync}) turns ∂L/∂z(T) into ∂L/∂x, which joins the previous
 * block's end-state gradient. The numbers of the synchronous adjoint pass (`trainLoss` under
 * `tf.variableGrads`), the same solves and probes. The caller owns `loss` and `grads`.
 *
 * @param blocks The blocks, in forward (data → latent) order.
 * @param x Training batch `[B, D]`.
 * @param context Per-example context `[B, C]`, or absent.
 * @param params The variables to return gradients for, in this order.
 */
export async function adjointLossAndGradientsAsync(
  blocks: readonly CnfBlock[],
  x: Tensor,
  context: Tensor | undefined,
  params: readonly tf.Variable[],
): Promise<AdjointLossAndGradients> {
  const passes: CnfAdjointPass[] = [];
  const temps: Tensor[] = [];
  const gradOf = new Map<tf.Variable, Tensor>();
  const reads: Record<string, Tensor> = {};
  let loss: Tensor | undefined;
  try {
    let h = x;
    for (const b of blocks) {
      const p = await b.adjointForwardAsync(h, context);
      passes.push(p);
      h = tf.tidy(() => tf.reshape(tf.slice(p.yEnd, [0, 0], [-1, b.dim]), [...p.inputShape]));
      temps.push(h);
    }
    const info: LossInfo = {};
    const { value, grads: dEnds } = tf.valueAndGrads((...ends: Tensor[]) => {
      let extras: Extras | undefined;
      const outs = ends.map((yEnd, k) => blocks[k].adjointOutputs(passes[k], yEnd));
      for (const r of outs) extras = sumExtras(extras, r.extras);
      const z = outs[outs.length - 1].y;
      const logDet = addAll(outs.map((r) => r.logDet));
      for (const [k, v] of Object.entries(extras?.stats ?? {})) info[k] = v;
      const nll = tf.neg(tf.mean(tf.add(standardNormalLogProb(z), logDet)));
      if (!extras?.penalty) return nll as tf.Scalar;
      reads.nll = tf.keep(tf.clone(nll));
      for (const [k, v] of Object.entries(extras.terms ?? {})) reads[k] = tf.keep(tf.mean(v));
      return tf.add(nll, tf.mean(extras.penalty)) as tf.Scalar;
    })(passes.map((p) => p.yEnd));
    loss = value;
    temps.push(...dEnds);
    let dNext: Tensor | null = null;
    for (let k = blocks.length - 1; k >= 0; k--) {
      const width = passes[k].yEnd.shape[1] ?? 0;
      const from: Tensor | null = dNext;
      const dEnd =
        from === null
          ? dEnds[k]
          : tf.tidy(() =>
              tf.add(
                dEnds[k],
                tf.pad(tf.reshape(from, [-1, blocks[k].dim]), [
                  [0, 0],
                  [0, width - blocks[k].dim],
                ]),
              ),
            );
      if (dEnd !== dEnds[k]) temps.push(dEnd);
      const { dx, grads } = await blocks[k].adjointBackwardAsync(passes[k], dEnd);
      temps.push(dx);
      dNext = dx;
      for (const [v, g] of grads) {
        const had = gradOf.get(v);
        if (had) {
          gradOf.set(v, tf.add(had, g));
          tf.dispose([had, g]);
        } else gradOf.set(v, g);
      }
    }
    info.nfeBackward = blocks.reduce((n, b) => n + b.lastBackwardNfe, 0);
    for (const [k, t] of Object.entries(reads)) info[k] = (await t.data())[0];
    const grads = params.map((p) => {
      const g = gradOf.get(p);
      gradOf.delete(p);
      return g ?? tf.zerosLike(p);
    });
    return { loss, grads, info };
  } catch (err) {
    if (loss) loss.dispose();
    throw err;
  } finally {
    tf.dispose([...temps, ...gradOf.values(), ...Object.values(reads)]);
    for (const p of passes) p.dispose();
  }
}
