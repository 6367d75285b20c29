import { type Tensor, tf } from '../../solvers/tf.js';
import { ConfigReader } from '../../src/core/config-reader.js';
import type { DensityModel, LossInfo, ModelConfig } from '../../src/model.js';
import { MODEL_TABLE, type ModelTable } from '../../src/train/models.js';

/** Config of the test model: a diagonal Gaussian, optionally made to fail on purpose. */
export type GaussianConfig = {
  kind: 'test-gaussian';
  dim: number;
  /** Initial mean (every coordinate). Default 0. */
  mean?: number;
  /** trainLoss returns NaN from this call on (1-based). Default never. */
  nanFrom?: number;
};

/** A tiny density model for the training machinery's tests: N(mu, diag(exp(2·logSigma))). */
export class DiagGaussian implements DensityModel {
  readonly dim: number;
  readonly params: tf.Variable[];
  private calls = 0;

  constructor(private readonly cfg: GaussianConfig) {
    this.dim = cfg.dim;
    this.params = tf.tidy(() => [
      tf.variable(tf.fill([cfg.dim], cfg.mean ?? 0), true),
      tf.variable(tf.zeros([cfg.dim]), true),
    ]);
  }

  logProb(x: Tensor): Tensor {
    return tf.tidy(() => {
      const [mu, logSigma] = this.params;
      const z = tf.div(tf.sub(x, mu), tf.exp(logSigma));
      const perDim = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logSigma, 0.5 * Math.log(2 * Math.PI)));
      return tf.sum(perDim, 1);
    });
  }

  sample(n: number, seed?: number): Tensor {
    return tf.tidy(() => {
      const [mu, logSigma] = this.params;
      return tf.add(tf.mul(tf.randomNormal([n, this.dim], 0, 1, 'float32', seed), tf.exp(logSigma)), mu);
    });
  }

  trainLoss(x: Tensor): { loss: Tensor; info: LossInfo } {
    this.calls++;
    const loss = tf.neg(tf.mean(this.logProb(x)));
    const bad = this.cfg.nanFrom !== undefined && this.calls >= this.cfg.nanFrom;
    return { loss: bad ? tf.mul(loss, Number.NaN) : loss, info: { nfe: 10 + this.calls, nfeBackward: 7 } };
  }

  config(): GaussianConfig {
    return { ...this.cfg };
  }
}

function gaussianFromConfig(c: ModelConfig): DiagGaussian {
  const r = new ConfigReader(c, 'test-gaussian');
  const cfg: GaussianConfig = {
    kind: 'test-gaussian',
    dim: r.int('dim') ?? 2,
    mean: r.num('mean'),
    nanFrom: r.int('nanFrom'),
  };
  r.ignore('seed');
  r.done();
  return new DiagGaussian(cfg);
}

/** odeflow's model table plus the test Gaussian (handed to checkpoints and the CLI explicitly). */
export const TEST_TABLE: ModelTable = {
  ...MODEL_TABLE,
  'test-gaussian': {
    description: 'a diagonal Gaussian (tests only)',
    defaults: {},
    conditional: false,
    images: false,
    create: gaussianFromConfig,
  },
};

/** A test Gaussian. */
export function gaussian(dim = 2, extra: Partial<GaussianConfig> = {}): DiagGaussian {
  return new DiagGaussian({ kind: 'test-gaussian', dim, ...extra });
}

/** The parameters' values, for comparisons. */
export function paramValues(model: DensityModel): number[][] {
  return model.params.map((p) => Array.from(p.dataSync()));
}
