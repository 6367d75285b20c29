/**
 * The one place the solvers (and everything above them) get TensorFlow.js from.
 *
 * `@tensorflow/tfjs-core` alone registers no gradient functions. `./generated/tfjs-gradients.js`
 * is tfjs-core's own `register_all_gradients` module bundled into one file by
 * `scripts/gradients.mjs` (at build time; `npm ci` builds it through `prepare`): importing it
 * registers every gradient in the shared tfjs engine, without the `@tensorflow/tfjs` union package.
 */
import * as tf from '@tensorflow/tfjs-core';
import './generated/tfjs-gradients.js';

export { tf };
export type Tensor = tf.Tensor;
