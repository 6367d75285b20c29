/**
 * What `odeflow train` does around the training loop: keeps the run's records, rewrites the
 * report at every evaluation, and turns Ctrl-C into "stop after this iteration, save the
 * checkpoint and the report, say where, exit 130".
 */

import type { IterationRecord } from '../metrics/history.js';
import type { DensityModel } from '../model.js';
import { type Interrupt, watchInterrupt, yieldToEventLoop } from '../train/interrupt.js';
import type { ProgressSink } from '../train/progress.js';
import type { DataSource } from './data.js';
import { writeRunReport } from './run-report.js';

/** Exit status of a run stopped by Ctrl-C (128 + SIGINT's number 2, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/** Options of {@link RunReporter}. */
export interface RunReporterOptions {
  /** Run directory. */
  dir: string;
  source: DataSource;
  seed: number;
  /** Total iterations of the run (the last evaluation's report is written by the caller). */
  iterations: number;
  /** The checkpoint's meta. */
  meta: Record<string, unknown>;
  /** Records of a resumed checkpoint. Default []. */
  history?: readonly IterationRecord[];
  /** Where notes go (standard error). */
  stderr: ProgressSink;
  /**
   * Heatmap grid points per axis of the reports written during training. Default 50 (with 1000
   * samples and 100 paths: an interim report costs a fraction of the final one, which uses the
   * full defaults).
   */
  gridN?: number;
  /** Watch Ctrl-C. Default true. */
  watchSignals?: boolean;
}

/** Keeps a run's records and reports; `onIteration` is passed to `train`. */
export class RunReporter {
  /** All records, a resumed checkpoint's first. */
  readonly history: IterationRecord[];
  /** Path of the last report written, if any. */
  lastReport: string | undefined;
  private readonly interrupt: Interrupt | undefined;

  constructor(private readonly o: RunReporterOptions) {
    this.history = [...(o.history ?? [])];
    this.interrupt =
      o.watchSignals === false
        ? undefined
        : watchInterrupt({
            onFirst: (sig) =>
              o.stderr.write(
                `\n${sig}: stopping after this iteration to save the checkpoint and the report (press Ctrl-C again to quit at once)\n`,
              ),
          });
  }

  /** Whether Ctrl-C was pressed. */
  get interrupted(): boolean {
    return this.interrupt?.requested ?? false;
  }

  /** The signal that stopped the run, if any. */
  get signal(): string | undefined {
    return this.interrupt?.signal;
  }

  /** For `train`'s `onIteration`: records, reports at evaluations, stops on Ctrl-C. */
  readonly onIteration = async (record: IterationRecord, model: DensityModel): Promise<boolean> => {
    this.history.push(record);
    if (record.testNll !== undefined && record.iteration < this.o.iterations && !this.interrupted) {
      this.write(model, `in progress: iteration ${record.iteration} of ${this.o.iterations}`);
    }
    await yieldToEventLoop();
    return !this.interrupted;
  };

  /** Writes the report now; returns its path. */
  write(model: DensityModel, status?: string, gridN = this.o.gridN ?? 50): string {
    this.lastReport = writeRunReport({
      dir: this.o.dir,
      model,
      history: this.history,
      source: this.o.source,
      seed: this.o.seed,
      meta: this.o.meta,
      status,
      gridN,
      samples: 1000,
      paths: 100,
    });
    return this.lastReport;
  }

  /** Removes the Ctrl-C handler. */
  dispose(): void {
    this.interrupt?.dispose();
  }
}
