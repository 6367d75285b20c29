import { type ConfigReader, readerOf } from '../core/config-reader.js';
import type { FlowModel } from '../core/flow-model.js';
import type { ModelConfig } from '../model.js';
import type { ScaleBound } from './bijectors/coupling.js';
import { type FfjordMultiscaleOptions, ffjordMultiscale } from './ffjord-multiscale.js';
import { type GlowOptions, glow } from './glow.js';
import type { ImageOptions } from './image.js';
import { type MafOptions, maf } from './maf.js';
import { type NiceOptions, nice } from './nice.js';
import { type NsfOptions, nsf } from './nsf.js';
import { type RealNVPOptions, realNVP } from './realnvp.js';
import { planar, type RmFlowOptions, radial } from './rm-flows.js';

const SCALES: readonly ScaleBound[] = ['tanh', 'sigmoid', 'none'];

function readImage(r: ConfigReader): ImageOptions {
  return {
    imageShape: r.shape3('imageShape'),
    levels: r.int('levels'),
    pixelLevels: r.int('pixelLevels', 2),
    dequantization: r.oneOf('dequantization', ['uniform', 'variational'] as const),
    logitAlpha: r.num('logitAlpha', (v) => v >= 0 && v < 0.5, 'a number in [0, 0.5)'),
  };
}

/** Reads a config with `read`, refusing unknown keys, and builds the model with `make`. */
function build<T>(config: ModelConfig, read: (r: ConfigReader) => T, make: (o: T) => FlowModel): FlowModel {
  const r = readerOf(config);
  const options = read(r);
  r.done();
  return make(options);
}

/**
 * Rebuilds a RealNVP model from its config (checked; unknown keys refused).
 *
 * @param config A configuration from `model.config()`.
 */
export function realNVPFromConfig(config: ModelConfig): FlowModel {
  return build(
    config,
    (r): RealNVPOptions => ({
      ...readImage(r),
      dim: r.int('dim'),
      layers: r.int('layers'),
      hidden: r.ints('hidden'),
      scale: r.oneOf('scale', SCALES),
      seed: r.num('seed'),
      contextDim: r.int('contextDim', 0),
    }),
    realNVP,
  );
}

/**
 * Rebuilds a Glow model from its config.
 *
 * @param config A configuration from `model.config()`.
 */
export function glowFromConfig(config: ModelConfig): FlowModel {
  return build(
    config,
    (r): GlowOptions => ({
      ...readImage(r),
      dim: r.int('dim'),
      steps: r.int('steps'),
      hidden: r.ints('hidden'),
      scale: r.oneOf('scale', SCALES),
      seed: r.num('seed'),
    }),
    glow,
  );
}

/**
 * Rebuilds a MAF model from its config.
 *
 * @param config A configuration from `model.config()`.
 */
export function mafFromConfig(config: ModelConfig): FlowModel {
  return build(
    config,
    (r): MafOptions => ({
      dim: r.int('dim'),
      layers: r.int('layers'),
      hidden: r.ints('hidden'),
      maxLogScale: r.num('maxLogScale', (v) => v > 0, 'a finite number > 0'),
      seed: r.num('seed'),
      contextDim: r.int('contextDim', 0),
    }),
    maf,
  );
}

/**
 * Rebuilds a NICE model from its config.
 *
 * @param config A configuration from `model.config()`.
 */
export function niceFromConfig(config: ModelConfig): FlowModel {
  return build(
    config,
    (r): NiceOptions => ({
      dim: r.int('dim'),
      layers: r.int('layers'),
      hidden: r.ints('hidden'),
      seed: r.num('seed'),
    }),
    nice,
  );
}

function readRm(r: ConfigReader): RmFlowOptions {
  return { dim: r.int('dim'), layers: r.int('layers'), seed: r.num('seed') };
}

/**
 * Rebuilds a planar flow from its config.
 *
 * @param config A configuration from `model.config()`.
 */
export function planarFromConfig(config: ModelConfig): FlowModel {
  return build(config, readRm, planar);
}

/**
 * Rebuilds a radial flow from its config.
 *
 * @param config A configuration from `model.config()`.
 */
export function radialFromConfig(config: ModelConfig): FlowModel {
  return build(config, readRm, radial);
}

/**
 * Rebuilds FFJORD's multiscale CNF from its config.
 *
 * @param config A configuration from `model.config()`.
 */
export function ffjordMultiscaleFromConfig(config: ModelConfig): FlowModel {
  return build(
    config,
    (r): FfjordMultiscaleOptions => ({
      ...readImage(r),
      dim: r.int('dim'),
      blocks: r.int('blocks'),
      hidden: r.ints('hidden'),
      T: r.num('T', (v) => v > 0, 'a finite number > 0'),
      trainT: r.bool('trainT'),
      divergence: r.oneOf('divergence', ['exact', 'hutchinson'] as const),
      evalDivergence: r.oneOf('evalDivergence', ['exact', 'hutchinson'] as const),
      train: r.solver('train'),
      eval: r.solver('eval'),
      warmStart: r.bool('warmStart'),
      seed: r.num('seed'),
    }),
    ffjordMultiscale,
  );
}

/**
 * Rebuilds a neural spline flow from its config.
 *
 * @param config A configuration from `model.config()`.
 */
export function nsfFromConfig(config: ModelConfig): FlowModel {
  return build(
    config,
    (r): NsfOptions => ({
      ...readImage(r),
      dim: r.int('dim'),
      form: r.oneOf('form', ['coupling', 'autoregressive'] as const),
      layers: r.int('layers'),
      hidden: r.ints('hidden'),
      bins: r.int('bins'),
      tailBound: r.num('tailBound', (v) => v > 0, 'a finite number > 0'),
      seed: r.num('seed'),
    }),
    nsf,
  );
}
