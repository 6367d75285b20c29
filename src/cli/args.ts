/** Flag parsing shared by the subcommands: typed readers that refuse bad values with the flag's name. */
import { parseArgs } from 'node:util';
import { type BackendName, initBackend } from '../backend.js';
import type { ModelTable } from '../train/models.js';
import type { ProgressSink } from '../train/progress.js';

/** Where the CLI writes and which model table it builds from; tests pass their own. */
export interface CliIO {
  stdout: ProgressSink;
  stderr: ProgressSink;
  /** The model table (default odeflow's MODEL_TABLE). */
  table?: ModelTable;
}

/** A usage error: printed with a pointer to `--help`, exit status 2. */
export class UsageError extends Error {}

/** Parsed flags. */
export type Flags = Record<string, string | boolean | undefined>;

/** Parses `args` against the flag spec (plus -h/--help); an unknown flag is a {@link UsageError}. */
export function parse(args: string[], options: Record<string, 'string' | 'boolean'>): Flags {
  const spec: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [k, type] of Object.entries(options)) spec[k] = { type };
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** A numeric flag: `fallback` when absent; 'positive' (> 0), 'int' (whole > 0), 'nonneg-int' (whole ≥ 0). */
export function num(
  flags: Flags,
  name: string,
  fallback: number,
  kind: 'int' | 'positive' | 'nonneg-int' = 'positive',
): number {
  const v = optionalNum(flags, name, kind);
  return v === undefined ? fallback : v;
}

/** A numeric flag, or undefined when absent (see {@link num}). */
export function optionalNum(
  flags: Flags,
  name: string,
  kind: 'int' | 'positive' | 'nonneg-int' = 'positive',
): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
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
    throw new UsageError(`--${name} must be ${want}, got '${String(raw)}'`);
  }
  return v;
}

/** A string flag, or undefined. */
export function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** One of `choices`, or undefined; anything else is a {@link UsageError} listing them. */
export function choice<T extends string>(flags: Flags, name: string, choices: readonly T[]): T | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const hit = choices.find((c) => c === v);
  if (hit === undefined)
    throw new UsageError(`--${name} ${v} is invalid: expected one of ${choices.join(', ')}`);
  return hit;
}

/** A required string flag. */
export function required(flags: Flags, name: string): string {
  const v = str(flags, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu', 'webgl', 'webgpu'];

/** Starts the backend named by --backend (automatic when absent) and says which one runs. */
export async function backend(flags: Flags, io: CliIO): Promise<void> {
  const name = await initBackend(choice(flags, 'backend', BACKENDS));
  io.stderr.write(`backend: ${name}\n`);
}
