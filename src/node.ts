/**
 * odeflow/node: the parts that need Node.js — checkpoint files, CSV and digits files, HTML report
 * writing and tslab notebook display. Everything of the main entry is re-exported, so one import
 * serves Node programs: `import { CNF, saveCheckpoint } from 'odeflow/node'`.
 */

export { isTempName, removeStaleTemps, writeFileAtomic } from './atomic.js';
export { CsvRows, MAX_ABS_VALUE, parseCsv, readCsv, readCsvValues, streamCsv } from './data/csv.js';
export { type Digits, digitsData, digitsSplit, loadDigits } from './data/digits.js';
export { FileError } from './files.js';
export * from './index.js';
export {
  type HtmlOptions,
  type HtmlTable,
  isWideFigure,
  plotlyBundle,
  renderHtml,
  writeHtml,
} from './plot/html.js';
export {
  type HtmlDisplay,
  inNotebook,
  type NotebookSetupOptions,
  notebookSetup,
  type ShowOptions,
  show,
  showAll,
} from './plot/notebook.js';
export {
  type Interrupt,
  type InterruptOptions,
  type SignalSource,
  watchInterrupt,
  yieldToEventLoop,
} from './train/interrupt.js';
export { createWorkerPool } from './train/worker-pool.js';
export { binaryDigits } from './vae/data.js';

import { saveCheckpoint } from './train/checkpoint.js';
import { provideCheckpointWriter } from './train/checkpoint-writer.js';
import { provideShardPool } from './train/shards.js';
import { createWorkerPool } from './train/worker-pool.js';

export {
  CHECKPOINT_FILE,
  type Checkpoint,
  CheckpointError,
  type CheckpointState,
  hasCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './train/checkpoint.js';

import { useNodeTerminal } from './train/terminal.js';

// train({ checkpointDir }) writes through this (the main entry stays free of Node's fs).
provideCheckpointWriter(saveCheckpoint);
// train({ workers }) starts its worker threads through this (the main entry stays free of worker_threads)
provideShardPool(createWorkerPool);
// the progress bar and colours of Node terminals (cli-progress, picocolors)
useNodeTerminal();
