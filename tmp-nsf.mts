import { tf } from './solvers/tf.js';
import { createModel } from './src/train/models.js';
import { FlowModel } from './src/core/flow-model.js';
try { createModel('nsf', { dim: 2, seed: 3 }); } catch (e) { console.log('ERR', (e as Error).message); }
