/**
 * The one place the solvers (and everything above them) get TensorFlow.js from.
 *
 * `@tensorflow/tfjs-core` alone registers no gradient functions in Node, and its
 * `dist/register_all_gradients.js` cannot be loaded by Node's ESM loader (extensionless
 * internal imports). The `@tensorflow/tfjs` union package registers every gradient (and the
 * cpu backend) when loaded; it shares the single tfjs-core instance, so importing it once here
 * makes first-order autodiff work for all code that imports `tf` from this module.
 */
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export type Tensor = tf.Tensor;
