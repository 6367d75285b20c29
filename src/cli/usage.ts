/** What every subcommand shares: where it writes ({@link CliIO}), usage errors and the small flag checks that raise them. */
import type { ModelTable } from '../train/models.js';
import type { ProgressSink } from '../train/progress.js';
import { str } from './flags.js';
import type { Flags } from './model-flags.js';

/** Where the CLI writes; tests pass their own. */
export interface CliIO {
  /** Results (CSV, summaries, `--help`). */
  stdout: ProgressSink;
  /** Notes, progress and errors. */
  stderr: ProgressSink;
  /** The model table checkpoints and --model are read from (default odeflow's MODEL_TABLE). */
  table?: ModelTable;
}

/** A usage error: printed with a pointer to `--help`, exit status 2. */
export class UsageError extends Error {}

/**
 * A required string flag.
 *
 * @param flags Parsed flags.
 * @param name Flag name without the dashes.
 */
export function required(flags: Flags, name: string): string {
  const v = str(flags, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

/**
 * An output path flag: refused when empty (it would mean the current directory).
 *
 * @param flags Parsed flags.
 * @param name Flag name without the dashes.
 */
export function outPath(flags: Flags, name: string): string | undefined {
  const v = str(flags, name);
  if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} '' is invalid: expected a path`);
  return v;
}

/**
 * Writes a help text to standard output; returns exit status 0.
 *
 * @param io Where to write.
 * @param text The help text.
 */
export function printHelp(io: CliIO, text: string): number {
  io.stdout.write(`${text}\n`);
  return 0;
}
