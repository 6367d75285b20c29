import type { SolverOptions } from '../../solvers/options.js';
import { cnfBlocks } from '../cnf/cnf.js';
import { type CnfOptions, resolveCnfOptions } from '../cnf/options.js';
import { chain } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import type { ModelConfig } from '../model.js';
import type { Bijector } from './bijector.js';
import { Squeeze } from './bijectors/squeeze.js';
import { checkImageShape, type ImageOptions, multiScaleImageModel } from './image.js';

/** Options of {@link ffjordMultiscale}. Every field has a default. */
export interface FfjordMultiscaleOptions extends ImageOptions {
  /** Data dimension for vector data. Default 2 (ignored with `imageShape`). */
  readonly dim?: number;
  /** CNF blocks per stage (vector data: in all). Default 1 (FFJORD's images: 2). */
  readonly blocks?: number;
  /** Hidden widths of each block's field. Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Initial end time of each block. Default 0.5. */
  readonly T?: number;
  /** Train the end times. Default true. */
  readonly trainT?: boolean;
  /** Training divergence. Default 'hutchinson' (exact costs D tangents: 64 per 8×8 image). */
  readonly divergence?: 'exact' | 'hutchinson';
  /** Divergence of logProb and sampling. Default 'exact'. */
  readonly evalDivergence?: 'exact' | 'hutchinson';
  /** Solver of training passes. Default rk4 with step 0.125 (4 steps per block at T = 0.5). */
  readonly train?: SolverOptions;
  /** Solver of logProb and sampling. Default dopri5, rtol = atol = 1e-5. */
  readonly eval?: SolverOptions;
  /** Warm-started training solves with an adaptive `train` solver (the CNF's `warmStart`). Default true. */
  readonly warmStart?: boolean;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/** FFJORD's multiscale recipe's training solver here: fixed rk4 steps (bench/cnf.ts: the fastest CNF training). */
const TRAIN_SOLVER: SolverOptions = Object.freeze({ method: 'rk4', stepSize: 0.125 });

/**
 * FFJORD's multiscale image CNF (Grathwohl et al. 2019, after RealNVP's multiscale architecture):
 * per level, CNF blocks on the image, a squeeze, CNF blocks on the squeezed image, then half the
 * channels factored out to the base; the last level has CNF blocks only. Preceded by
 * dequantization and logit preprocessing, like `realNVP` and `glow` on images. The fields are
 * MLPs on the flattened level (FFJORD uses convolutions). Vector data (no `imageShape`): `blocks`
 * stacked CNF blocks. CNF blocks and the discrete squeeze / split compose through the one
 * transform contract.
 *
 * @param opts Model options, all optional; see {@link FfjordMultiscaleOptions}.
 */
export function ffjordMultiscale(opts: FfjordMultiscaleOptions = {}): FlowModel {
  const seed = opts.seed ?? 0;
  const perStage = opts.blocks ?? 1;
  const hidden = [...(opts.hidden ?? [64, 64])];
  const common: Omit<CnfOptions, 'dim'> = {
    hidden,
    blocks: perStage,
    T: opts.T ?? 0.5,
    trainT: opts.trainT ?? true,
    divergence: opts.divergence ?? 'hutchinson',
    evalDivergence: opts.evalDivergence ?? 'exact',
    train: opts.train ?? TRAIN_SOLVER,
    ...(opts.eval ? { eval: opts.eval } : {}),
    warmStart: opts.warmStart ?? true,
  };
  let stage = 0;
  const stageBlocks = (dim: number): Bijector[] =>
    cnfBlocks(resolveCnfOptions({ ...common, dim, seed: seed * 101 + stage++ }));
  const keys = {
    blocks: perStage,
    hidden: [...hidden],
    T: common.T,
    trainT: common.trainT,
    divergence: common.divergence,
    evalDivergence: common.evalDivergence,
    train: common.train,
    ...(opts.eval ? { eval: opts.eval } : {}),
    warmStart: common.warmStart,
    seed,
  };
  if (!opts.imageShape) {
    const dim = opts.dim ?? 2;
    const config: ModelConfig = { kind: 'ffjord-multiscale', dim, ...keys };
    return new FlowModel({ bijector: chain(stageBlocks(dim)), dim, config });
  }
  const shape0 = opts.imageShape;
  const levels = opts.levels ?? 2;
  checkImageShape(shape0, levels - 1, 'ffjordMultiscale');
  const levelBs: Bijector[] = [];
  const shapes: [number, number, number][] = [];
  let s: [number, number, number] = [shape0[0], shape0[1], shape0[2]];
  for (let l = 0; l < levels; l++) {
    const bs: Bijector[] = stageBlocks(s[0] * s[1] * s[2]);
    if (l + 1 < levels) {
      bs.push(new Squeeze());
      s = [s[0] / 2, s[1] / 2, s[2] * 4];
      bs.push(...stageBlocks(s[0] * s[1] * s[2]));
    }
    levelBs.push(chain(bs));
    shapes.push([...s]);
    if (l + 1 < levels) s = [s[0], s[1], s[2] / 2];
  }
  const config: ModelConfig = { kind: 'ffjord-multiscale', levels, ...keys };
  return multiScaleImageModel({ ...opts, imageShape: shape0 }, levelBs, shapes, seed * 101 + 99, config);
}
