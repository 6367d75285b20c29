/**
 * The CLI's model flags (--method, --rtol, --atol, --step-size, --divergence, --noise, --gradient,
 * --adjoint-rtol, --adjoint-atol, --warm-start) → config keys.
 */
import { isSolverOptions, METHOD_NAMES, type SolverOptions } from '../../solvers/options.js';
import { NOISE_KINDS } from '../nn/divergence.js';
import { MODEL_TABLE, type ModelTable } from '../train/models.js';

/** A model flag that does not apply or names nothing valid (the CLI prints it as a usage error). */
export class FlagError extends Error {}

/** Parsed flags. */
export type Flags = Record<string, string | boolean | undefined>;

/** The flag names this module reads, for the parser's spec. */
export const MODEL_FLAG_NAMES = [
  'method',
  'rtol',
  'atol',
  'step-size',
  'divergence',
  'noise',
  'gradient',
  'adjoint-rtol',
  'adjoint-atol',
  'warm-start',
] as const;

const DIVERGENCES = ['exact', 'hutchinson'] as const;
const GRADIENTS = ['backprop', 'adjoint'] as const;
const ON_OFF = ['on', 'off'] as const;

/**
 * Where the solver flags go in each kind's config: the CNF's `solver` (both phases), flow
 * matching's `eval` (logProb and sample). Other kinds have no ODE to solve.
 */
const SOLVER_KEY: Record<string, 'solver' | 'eval'> = { cnf: 'solver', 'flow-matching': 'eval' };

function choice<T extends string>(flags: Flags, name: string, choices: readonly T[]): T | undefined {
  const v = flags[name];
  if (typeof v !== 'string') return undefined;
  const hit = choices.find((c) => c === v);
  if (hit === undefined)
    throw new FlagError(`--${name} ${v} is invalid: expected one of ${choices.join(', ')}`);
  return hit;
}

function positive(flags: Flags, name: string, allowZero = false): number | undefined {
  const raw = flags[name];
  if (typeof raw !== 'string') return undefined;
  const v = Number(raw);
  if (!(Number.isFinite(v) && (v > 0 || (allowZero && v === 0)))) {
    throw new FlagError(`--${name} must be a ${allowZero ? 'number ≥ 0' : 'positive number'}, got '${raw}'`);
  }
  return v;
}

/**
 * The solver settings the flags ask for, as one {@link SolverOptions} object: the kind's default
 * settings (its table entry) with the given flags on top; undefined when no solver flag is given.
 */
function solverFromFlags(flags: Flags, kind: string, table: ModelTable): SolverOptions | undefined {
  const method = choice(flags, 'method', METHOD_NAMES);
  const rtol = positive(flags, 'rtol');
  const atol = positive(flags, 'atol', true);
  const stepSize = positive(flags, 'step-size');
  if (method === undefined && rtol === undefined && atol === undefined && stepSize === undefined)
    return undefined;
  const key = SOLVER_KEY[kind];
  if (key === undefined) {
    throw new FlagError(
      `--method, --rtol, --atol and --step-size set the ODE solver of cnf and flow-matching, not '${kind}'`,
    );
  }
  const base = Object.hasOwn(table, kind) ? table[kind].defaults[key] : undefined;
  const settings: SolverOptions = isSolverOptions(base) ? { ...base } : {};
  if (method !== undefined) {
    settings.method = method;
    // a method named on the command line does not inherit the default's step
    delete settings.stepSize;
  }
  if (rtol !== undefined) settings.rtol = rtol;
  if (atol !== undefined) settings.atol = atol;
  if (stepSize !== undefined) settings.stepSize = stepSize;
  return settings;
}

/** The config keys the model flags set for `kind` (solver settings, divergence, noise). */
export function modelFlags(
  flags: Flags,
  kind: string,
  table: ModelTable = MODEL_TABLE,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const settings = solverFromFlags(flags, kind, table);
  if (settings) out[SOLVER_KEY[kind]] = settings;
  const divergence = choice(flags, 'divergence', DIVERGENCES);
  if (divergence !== undefined) {
    if (kind !== 'cnf' && kind !== 'flow-matching') {
      throw new FlagError(`--divergence applies to cnf and flow-matching, not '${kind}'`);
    }
    out.divergence = divergence;
  }
  const noise = choice(flags, 'noise', NOISE_KINDS);
  if (noise !== undefined) {
    if (kind !== 'cnf') throw new FlagError(`--noise applies to cnf (Hutchinson probes), not '${kind}'`);
    out.noise = noise;
  }
  const gradient = choice(flags, 'gradient', GRADIENTS);
  if (gradient !== undefined) {
    if (kind !== 'cnf') throw new FlagError(`--gradient applies to cnf, not '${kind}'`);
    out.gradient = gradient;
  }
  const rtol = positive(flags, 'adjoint-rtol');
  const atol = positive(flags, 'adjoint-atol', true);
  if (rtol !== undefined || atol !== undefined) {
    if (gradient !== 'adjoint') {
      throw new FlagError('--adjoint-rtol and --adjoint-atol set the backward solve of --gradient adjoint');
    }
    out.adjointSolver = { ...(rtol !== undefined ? { rtol } : {}), ...(atol !== undefined ? { atol } : {}) };
  }
  const warm = choice(flags, 'warm-start', ON_OFF);
  if (warm !== undefined) {
    if (kind !== 'cnf' && kind !== 'ffjord-multiscale') {
      throw new FlagError(
        `--warm-start applies to cnf and ffjord-multiscale (their training solves), not '${kind}'`,
      );
    }
    out.warmStart = warm === 'on';
  }
  return out;
}

/** Help lines of the model flags. */
export const MODEL_FLAGS_HELP = `  --method NAME        ODE solver of cnf / flow-matching: ${METHOD_NAMES.join(', ')} (default dopri5)
  --rtol X             relative tolerance of an adaptive solver (default 1e-5)
  --atol X             absolute tolerance of an adaptive solver (default 1e-5)
  --step-size H        step of a fixed-step solver (default: one step per block)
  --divergence KIND    exact or hutchinson: the cnf's training divergence, flow matching's logProb
                       divergence (default exact)
  --noise KIND         Hutchinson probes of a cnf: ${NOISE_KINDS.join(' or ')} (default gaussian)
  --gradient KIND      how a cnf's gradients are computed: backprop (through the solver's steps,
                       default) or adjoint (a backward solve, memory constant in the steps)
  --adjoint-rtol X     relative tolerance of the adjoint's backward solve (default: --rtol)
  --adjoint-atol X     absolute tolerance of the adjoint's backward solve (default: --atol)
  --warm-start S       on: the training solves of a cnf or ffjord-multiscale start from the
                       previous one's step size (default); off: the initial-step heuristic every
                       solve (torchdiffeq's and FFJORD's way)`;
