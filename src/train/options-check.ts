import { checkInt, checkNumber, checkOptionsObject } from '../validate.js';
import type { TrainOptions } from './train.js';

const WHERE = 'train options';

/** Validates {@link TrainOptions} (throws {@link ConfigError} naming the option and its range). */
export function checkTrainOptions(o: TrainOptions): void {
  checkOptionsObject('train', o);
  const opt = (key: keyof TrainOptions, f: (v: unknown) => void) => {
    if (o[key] !== undefined) f(o[key]);
  };
  opt('iterations', (v) => checkInt(WHERE, 'iterations', v, 0, 1e9));
  opt('batchSize', (v) => checkInt(WHERE, 'batchSize', v, 1, 1e6));
  opt('workers', (v) => checkInt(WHERE, 'workers', v, 1, 256));
  opt('evalEvery', (v) => checkInt(WHERE, 'evalEvery', v, 0, 1e9));
  opt('testSize', (v) => checkInt(WHERE, 'testSize', v, 1, 1e7));
  opt('evalBatch', (v) => checkInt(WHERE, 'evalBatch', v, 1, 1e6));
  opt('checkpointEvery', (v) => checkInt(WHERE, 'checkpointEvery', v, 1, 1e9));
  opt('learningRate', (v) => checkNumber(WHERE, 'learningRate', v, { above: 0, max: 1e6 }));
  opt('weightDecay', (v) => checkNumber(WHERE, 'weightDecay', v, { min: 0, max: 1e6 }));
  opt('beta1', (v) => checkNumber(WHERE, 'beta1', v, { min: 0, below: 1 }));
  opt('beta2', (v) => checkNumber(WHERE, 'beta2', v, { min: 0, below: 1 }));
  opt('epsilon', (v) => checkNumber(WHERE, 'epsilon', v, { above: 0, max: 1 }));
}
