import { METHOD_NAMES } from '../../solvers/options.js';
import { type ConfigReader, readerOf } from '../core/config-reader.js';
import type { ModelConfig } from '../model.js';
import { ACTIVATIONS } from '../nn/activations.js';
import { NOISE_KINDS } from '../nn/divergence.js';
import { LAYER_KINDS } from '../nn/layers.js';
import { CNF } from './cnf.js';
import type { CnfOptions } from './options.js';

const DIVERGENCES = ['exact', 'hutchinson'] as const;

/**
 * Reads {@link CnfOptions} from a config (checked key by key; unknown keys refused).
 *
 * @param r A reader over the config.
 */
export function readCnfOptions(r: ConfigReader): CnfOptions {
  const dim = r.int('dim');
  if (dim === undefined) throw new Error("a 'cnf' config needs dim");
  return {
    dim,
    hidden: r.ints('hidden'),
    layer: r.oneOf('layer', LAYER_KINDS),
    activation: r.oneOf('activation', ACTIVATIONS),
    blocks: r.int('blocks'),
    T: r.num('T', (v) => v > 0, 'a finite number > 0'),
    trainT: r.bool('trainT'),
    divergence: r.oneOf('divergence', DIVERGENCES),
    evalDivergence: r.oneOf('evalDivergence', DIVERGENCES),
    noise: r.oneOf('noise', NOISE_KINDS),
    gradient: r.oneOf('gradient', ['backprop', 'adjoint'] as const),
    adjoint: r.bool('adjoint'),
    adjointSolver: r.backward('adjointSolver'),
    solver: r.solver('solver'),
    train: r.solver('train'),
    eval: r.solver('eval'),
    contextDim: r.int('contextDim', 0),
    method: r.oneOf('method', METHOD_NAMES),
    rtol: r.num('rtol'),
    atol: r.num('atol'),
    stepSize: r.num('stepSize'),
    kinetic: r.num('kinetic'),
    jacobian: r.num('jacobian'),
    seed: r.num('seed'),
    fused: r.bool('fused'),
    warmStart: r.bool('warmStart'),
  };
}

/**
 * Rebuilds a CNF (fresh variables) from its config.
 *
 * @param config A configuration from `model.config()`.
 */
export function cnfFromConfig(config: ModelConfig): CNF {
  const r = readerOf(config);
  const options = readCnfOptions(r);
  r.done();
  return new CNF(options);
}
