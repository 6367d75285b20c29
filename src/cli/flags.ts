/** Flag readers of every CLI command (`train`, `sample`, `eval`, `report`, `fit`, `train --model vae`): bad values are {@link FlagError}s (exit status 2) naming the flag. */
import { parseArgs } from 'node:util';
import { type BackendName, initBackend } from '../backend.js';
import type { ProgressSink } from '../train/progress.js';
import { FlagError, type Flags } from './model-flags.js';

/** Where the commands write (the CLI's `CliIO` fits it). */
export interface ViIO {
  stdout: ProgressSink;
  stderr: ProgressSink;
}

/** Parses `args` against the flag spec (plus -h/--help); an unknown flag is a {@link FlagError}. */
export function parse(args: string[], options: Record<string, 'string' | 'boolean'>): Flags {
  const spec: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [k, type] of Object.entries(options)) spec[k] = { type };
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values as Flags;
  } catch (err) {
    throw new FlagError(err instanceof Error ? err.message : String(err));
  }
}

/** A numeric flag: `fallback` when absent; 'positive' (> 0), 'int' (whole > 0), 'nonneg-int' (whole ≥ 0). */
export function num(
  flags: Flags,
  name: string,
  fallback: number,
  kind: 'int' | 'positive' | 'nonneg-int' = 'positive',
): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  const ok =
    Number.isFinite(v) &&
    (kind === 'positive'
      ? v > 0
      : kind === 'int'
        ? Number.isInteger(v) && v > 0
        : Number.isInteger(v) && v >= 0);
  if (!ok) {
    const want =
      kind === 'positive' ? 'a positive number' : kind === 'int' ? 'a positive integer' : 'an integer ≥ 0';
    throw new FlagError(`--${name} must be ${want}, got '${String(raw)}'`);
  }
  return v;
}

/** A string flag, or undefined. */
export function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** One of `choices`, or undefined; anything else is a {@link FlagError} listing them. */
export function choice<T extends string>(flags: Flags, name: string, choices: readonly T[]): T | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const hit = choices.find((c) => c === v);
  if (hit === undefined)
    throw new FlagError(`--${name} '${v}' is unknown; expected one of ${choices.join(', ')}`);
  return hit;
}

/**
 * Starts the backend named by --backend (automatic when absent) and says which one runs. The
 * automatic choice needs synchronous reads (the CLI's reports, sample and eval read synchronously),
 * so in Node it does not pick webgpu by itself; `--backend webgpu` asks for it.
 */
export async function backend(flags: Flags, io: ViIO): Promise<void> {
  const name = await initBackend(str(flags, 'backend') as BackendName | undefined, { syncReads: true });
  io.stderr.write(`backend: ${name}\n`);
}
