import { type Tensor, tf } from '../../../solvers/tf.js';
import type { PlannedForward } from '../../core/transform.js';
import type { Bijector, ForwardResult, InverseResult } from '../bijector.js';
import { constVariable } from '../init.js';

/**
 * Activation normalisation (Glow): y = (x + bias) ⊙ exp(logScale) per channel (the last axis).
 * Data-dependent initialisation: the first `forward` of a fresh layer sets bias and logScale so
 * that that batch has zero mean and unit variance per channel. A layer whose variables were
 * loaded (e.g. from a checkpoint; any non-zero value) is taken as initialised.
 * logDet = (elements per channel per example) · Σ logScale.
 */
export class ActNorm implements Bijector {
  readonly name = 'actNorm';
  readonly params: tf.Variable[];
  /** Per-channel bias `[channels]` (0 until initialised). */
  readonly bias: tf.Variable;
  /** Per-channel log-scale `[channels]` (0 until initialised). */
  readonly logScale: tf.Variable;
  private initialized = false;

  /**
   * An uninitialised ActNorm; the first `forward` sets it from its batch.
   *
   * @param channels Number of channels (size of the last axis).
   * @param eps Added to the standard deviation at initialisation. Default 1e-6.
   */
  constructor(
    /** Number of channels (size of the last axis). */
    readonly channels: number,
    /** Added to the standard deviation at initialisation. Default 1e-6. */
    readonly eps = 1e-6,
  ) {
    this.bias = constVariable([channels], 0, 'actnormBias');
    this.logScale = constVariable([channels], 0, 'actnormLogScale');
    this.params = [this.bias, this.logScale];
  }

  /** Whether the data-dependent initialisation has happened (or weights were loaded). */
  get isInitialized(): boolean {
    if (!this.initialized) {
      const v = [...this.bias.dataSync(), ...this.logScale.dataSync()];
      if (v.some((a) => a !== 0)) this.initialized = true;
    }
    return this.initialized;
  }

  /**
   * Sets bias and logScale from a batch (normally done by the first `forward`).
   *
   * @param x A batch whose last axis has `channels` entries.
   */
  initialize(x: Tensor): void {
    tf.tidy(() => {
      const flat = tf.reshape(x, [-1, this.channels]);
      const { mean, variance } = tf.moments(flat, 0);
      this.bias.assign(tf.neg(mean));
      this.logScale.assign(tf.neg(tf.log(tf.add(tf.sqrt(variance), this.eps))));
    });
    this.initialized = true;
  }

  private perExample(shape: readonly number[]): number {
    return shape.slice(1).reduce((a, b) => a * b, 1) / this.channels;
  }

  /**
   * Phase one of a read-free training pass: the initialisation check with async reads (the
   * first batch of a fresh layer initialises it), then the image. The plan is empty: the
   * training pass itself reads nothing once the layer is initialised.
   *
   * @param x Input batch whose last axis has `channels` entries.
   */
  async planAsync(x: Tensor): Promise<PlannedForward> {
    if (!this.initialized) {
      const v = [...(await this.bias.data()), ...(await this.logScale.data())];
      if (v.some((a) => a !== 0)) this.initialized = true;
      else this.initialize(x);
    }
    const r = this.forward(x);
    r.logDet.dispose();
    return { y: r.y, plan: { dispose: () => {} } };
  }

  forward(x: Tensor): ForwardResult {
    if (!this.isInitialized) this.initialize(x);
    return tf.tidy(() => {
      const y = tf.mul(tf.add(x, this.bias), tf.exp(this.logScale));
      const ld = tf.mul(tf.sum(this.logScale), this.perExample(x.shape));
      return { y, logDet: tf.mul(tf.ones([x.shape[0]]), ld) };
    });
  }

  inverse(y: Tensor): InverseResult {
    return tf.tidy(() => {
      const x = tf.sub(tf.mul(y, tf.exp(tf.neg(this.logScale))), this.bias);
      const ld = tf.mul(tf.sum(this.logScale), -this.perExample(y.shape));
      return { x, logDet: tf.mul(tf.ones([y.shape[0]]), ld) };
    });
  }
}

/**
 * ActNorm over `channels` (the last axis).
 *
 * @param channels Number of channels (size of the last axis).
 */
export function actNorm(channels: number): ActNorm {
  return new ActNorm(channels);
}
