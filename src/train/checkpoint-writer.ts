import type { saveCheckpoint } from './checkpoint.js';

/** Writes one checkpoint: {@link saveCheckpoint}'s signature. */
export type CheckpointWriter = typeof saveCheckpoint;

let writer: CheckpointWriter | undefined;

/**
 * Installs the function `train` writes checkpoints with. Checkpoint files need Node's `fs`, so the
 * main entry (which must load in browsers) does not import it: the Node entry `odeflow/node`
 * (and the CLI) install `saveCheckpoint` when loaded.
 */
export function provideCheckpointWriter(fn: CheckpointWriter): void {
  writer = fn;
}

/** The installed writer; throws, naming the fix, when `checkpointDir` is used without it. */
export function checkpointWriter(): CheckpointWriter {
  if (!writer) {
    throw new Error(
      "train: checkpointDir needs Node's file system: import from 'odeflow/node' (it installs the checkpoint writer)",
    );
  }
  return writer;
}
