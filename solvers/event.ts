import { type AcceptedStep, adaptiveSteps } from './adaptive.js';
import { addAll } from './add-all.js';
import { counted } from './counted.js';
import { OdeError, OdeOptionError } from './errors.js';
import { ADAPTIVE_METHODS, isAdaptive } from './methods.js';
import { resolveOptions } from './options.js';
import { runSync } from './reads.js';
import type { EmbeddedTableau } from './tableau.js';
import { type Tensor, tf } from './tf.js';
import type { AdaptiveMethodName, OdeFunc, OdeintOptions, SolveStats } from './types.js';

/**
 * An event function g(t, y) → `[B]`, one value per batch row; an event of row b is a sign change
 * of g_b. `t` is a float32 `[B]` tensor (during root finding the rows sit at different times) and
 * `y` the state `[B, ...]`; row b of the result must depend on row b of t and y only.
 *
 * @param t Per-row times, float32 `[B]`.
 * @param y Per-row states `[B, ...]`.
 * @returns g, shape `[B]`.
 */
export type EventFunc = (t: Tensor, y: Tensor) => Tensor;

/** Options of {@link odeintEvent}: the event, and every {@link OdeintOptions} field of the solve. */
export interface OdeintEventOptions extends OdeintOptions {
  /** The event function g(t, y) → `[B]`. */
  event: EventFunc;
  /**
   * `true` (default): the solve ends when every row has had its first event, and `t`, `y` are
   * each row's event time and state (differentiable). `false`: the solve runs to `tEnd`, every
   * crossing is recorded in `times`, and `t`, `y` are tEnd and y(tEnd).
   */
  terminal?: boolean;
  /**
   * Which sign changes count: `> 0` only rising (g from negative to ≥ 0), `< 0` only falling
   * (from positive to ≤ 0), `0` both. A row starting at g = 0 has no event there. Default 0.
   */
  direction?: number;
  /** Where the solve stops at the latest; its sign sets the direction of time. Default t0 + 1e6·max(1, |t0|). */
  tEnd?: number;
  /** Events are located to |Δt| ≤ eventTol · max(|t|, |h|) on the step's dense output. Default 1e-7. */
  eventTol?: number;
}

/** What {@link odeintEvent} returns. */
export interface EventResult {
  /** `[B]`: each row's event time (terminal) or tEnd. Differentiable (implicit function theorem). */
  t: Tensor;
  /** `[B, ...]`: the state at `t`. Differentiable with respect to y0 and the variables f uses. */
  y: Tensor;
  /** Every located crossing per row, in order (terminal: the one event of each row). */
  times: number[][];
  /** Counts of the solve (function evaluations include root finding's none: it uses dense output). */
  stats: SolveStats;
}

/** No event happened for some rows before the solve ended at tEnd. */
export class OdeEventError extends OdeError {
  /** Always `'OdeEventError'`. */
  override name = 'OdeEventError';
}

const MAX_ROOT_ITERATIONS = 80;

/** y(t0 + θ_b h) for every row b at its own θ_b, from one accepted step's dense output. */
export function denseRows(step: AcceptedStep, thetas: readonly number[]): Tensor {
  return tf.tidy(() => {
    const { y0, y1, ks, h, dense } = step;
    const col = (v: number[]) => tf.reshape(tf.tensor1d(v), [v.length, ...y0.shape.slice(1).map(() => 1)]);
    if (dense.kind === 'polynomial') {
      const terms: Tensor[] = [];
      for (let j = 0; j < dense.p.length && j < ks.length; j++) {
        const row = dense.p[j];
        const w = thetas.map((th) => {
          let acc = 0;
          let pow = th;
          for (const c of row) {
            acc += c * pow;
            pow *= th;
          }
          return acc * h;
        });
        if (w.some((x) => x !== 0)) terms.push(tf.mul(ks[j], col(w)));
      }
      return terms.length === 0 ? tf.clone(y0) : tf.add(y0, addAll(terms));
    }
    const h01 = thetas.map((th) => -2 * th ** 3 + 3 * th ** 2);
    const h10 = thetas.map((th) => h * (th ** 3 - 2 * th ** 2 + th));
    const h11 = thetas.map((th) => h * (th ** 3 - th ** 2));
    return tf.addN([
      y0,
      tf.mul(tf.sub(y1, y0), col(h01)),
      tf.mul(ks[0], col(h10)),
      tf.mul(ks[ks.length - 1], col(h11)),
    ]);
  });
}

/** Has g gone from `a` to `b` across zero in the wanted direction? */
function crossed(a: number, b: number, direction: number): boolean {
  const rising = a < 0 && b >= 0;
  const falling = a > 0 && b <= 0;
  return direction > 0 ? rising : direction < 0 ? falling : rising || falling;
}

function eventValues(event: EventFunc, ts: readonly number[], y: Tensor, where: string): Float32Array {
  return tf.tidy(() => {
    const g = event(tf.tensor1d(ts as number[]), y);
    if (!(g instanceof tf.Tensor) || g.size !== ts.length) {
      throw new OdeOptionError(
        `odeintEvent: event(t, y) must return one value per batch row (${ts.length}); got ${g instanceof tf.Tensor ? `shape [${g.shape.join(', ')}]` : String(g)} at ${where}`,
      );
    }
    return g.dataSync() as Float32Array;
  });
}

/**
 * Regula falsi with the Illinois modification on θ ∈ [0, 1], for the given rows at once (one
 * dense-output evaluation and one event evaluation per iteration). Returns θ on the far side of
 * the crossing, within `tol` (in t) of the root.
 */
function locate(
  step: AcceptedStep,
  event: EventFunc,
  rows: readonly number[],
  gA: Float32Array | number[],
  gB: Float32Array | number[],
  B: number,
  tol: number,
): number[] {
  const lo = new Array<number>(B).fill(0);
  const hi = new Array<number>(B).fill(1);
  const fLo = Array.from(gA);
  const fHi = Array.from(gB);
  const side = new Array<number>(B).fill(0);
  const absH = Math.abs(step.h);
  const done = (r: number) =>
    (hi[r] - lo[r]) * absH <= tol * Math.max(Math.abs(step.t0 + hi[r] * step.h), absH);
  for (let it = 0; it < MAX_ROOT_ITERATIONS && rows.some((r) => !done(r)); it++) {
    const th = new Array<number>(B).fill(1);
    for (const r of rows) {
      let x = (lo[r] * fHi[r] - hi[r] * fLo[r]) / (fHi[r] - fLo[r]);
      if (!(x > lo[r] && x < hi[r])) x = 0.5 * (lo[r] + hi[r]);
      // never let one side stall: bisect every fourth iteration
      th[r] = it % 4 === 3 ? 0.5 * (lo[r] + hi[r]) : x;
    }
    const yTh = denseRows(step, th);
    const g = eventValues(
      event,
      th.map((x) => step.t0 + x * step.h),
      yTh,
      `root finding in [${step.t0}, ${step.t1}]`,
    );
    yTh.dispose();
    for (const r of rows) {
      if (done(r)) continue;
      const before = Math.sign(g[r]) === Math.sign(gA[r]) && g[r] !== 0;
      if (before) {
        lo[r] = th[r];
        fLo[r] = g[r];
        if (side[r] === -1) fHi[r] *= 0.5;
        side[r] = -1;
      } else {
        hi[r] = th[r];
        fHi[r] = g[r];
        if (side[r] === 1) fLo[r] *= 0.5;
        side[r] = 1;
      }
    }
  }
  return hi;
}

/**
 * The event outputs as one op: value [t*, y*] per row, gradient by the implicit function theorem.
 * With g(t*, y(t*; θ)) = 0: dt* = −g_y·δy / (g_t + g_y·f), and y_out = y(t*) moves by δy + f·dt*,
 * where δy is the change of the state at the fixed time t* (what backprop through the solve gives).
 */
function implicitEventOp(
  yStar: Tensor,
  tStar: readonly number[],
  gy: Tensor,
  gt: Tensor,
  fStar: Tensor,
): Tensor {
  const B = yStar.shape[0];
  const op = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const y = args[0] as Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([gy, gt, fStar]);
    const value = tf.concat([tf.tensor2d(tStar as number[], [B, 1]), tf.reshape(y, [B, -1])], 1);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sgy, sgt, sf] = saved;
        const dT = tf.slice(dy, [0, 0], [-1, 1]);
        const dY = tf.slice(dy, [0, 1], [-1, -1]);
        const num = tf.add(dT, tf.sum(tf.mul(dY, sf), 1, true));
        const den = tf.add(tf.reshape(sgt, [B, 1]), tf.sum(tf.mul(sgy, sf), 1, true));
        return [tf.reshape(tf.sub(dY, tf.mul(tf.div(num, den), sgy)), y.shape)];
      },
    };
  });
  return op(yStar);
}

/**
 * Solves dy/dt = f(t, y), y(t0) = y0 until an event: `event(t, y)` gives one value per batch row
 * and row b's event is the first sign change of its value (in `direction`). Sign changes are
 * detected at each accepted step of an adaptive method and located by root finding (Illinois
 * regula falsi) on the method's dense output, to `eventTol` relative (so the steps never depend
 * on the event). As torchdiffeq's `odeint_event`, the event time and state are differentiable
 * with respect to y0 and the variables f uses: backprop through the solve gives the state at the
 * fixed event time and the implicit function theorem adds the event time's dependence.
 *
 * A sign change that starts and ends inside one step (two crossings) is not seen: limit `maxStep`
 * when events can come in quick pairs.
 *
 * @param f Right-hand side dy/dt = f(t, y); the state is batched `[B, ...]`.
 * @param y0 Initial state `[B, ...]` at `t0`.
 * @param t0 Start time.
 * @param options The event function, its direction and tolerance, and every {@link OdeintOptions} field.
 *
 * @example
 * // a falling ball: y = [height, velocity]; the event is height = 0, falling
 * const f = (_t: number, y: tf.Tensor) => tf.matMul(y, tf.tensor2d([[0, 0], [1, 0]])).sub(tf.tensor1d([0, 9.81]));
 * const { t, y } = odeintEvent(f, tf.tensor2d([[10, 0]]), 0, {
 *   event: (_t, y) => tf.reshape(tf.slice(y, [0, 0], [-1, 1]), [-1]), direction: -1,
 * });
 */
export function odeintEvent(f: OdeFunc, y0: Tensor, t0: number, options: OdeintEventOptions): EventResult {
  if (!(y0 instanceof tf.Tensor) || y0.dtype !== 'float32' || y0.rank < 1 || y0.size === 0) {
    throw new OdeOptionError(
      `odeintEvent: y0 must be a non-empty float32 tensor [B, ...] (axis 0 the batch); got ${y0 instanceof tf.Tensor ? `${y0.dtype} [${y0.shape.join(', ')}]` : String(y0)}`,
    );
  }
  if (typeof t0 !== 'number' || !Number.isFinite(t0))
    throw new OdeOptionError(`odeintEvent: t0 = ${t0} is not a finite number`);
  const {
    event,
    terminal = true,
    direction = 0,
    tEnd: tEndOpt,
    eventTol = 1e-7,
    ...solver
  } = options ?? ({} as OdeintEventOptions);
  if (typeof event !== 'function')
    throw new OdeOptionError('odeintEvent: options.event must be a function (t, y) → [B]');
  if (typeof direction !== 'number' || !Number.isFinite(direction))
    throw new OdeOptionError(
      `odeintEvent: direction = ${direction}; expected a finite number (> 0 rising, < 0 falling, 0 both)`,
    );
  if (!(eventTol > 0 && eventTol <= 1e-3))
    throw new OdeOptionError(`odeintEvent: eventTol = ${eventTol}; expected a number in (0, 1e-3]`);
  if (!terminal && tEndOpt === undefined)
    throw new OdeOptionError(
      'odeintEvent: terminal = false needs tEnd (the solve runs to tEnd and records every crossing)',
    );
  const tEnd = tEndOpt ?? t0 + 1e6 * Math.max(1, Math.abs(t0));
  if (!Number.isFinite(tEnd) || tEnd === t0)
    throw new OdeOptionError(`odeintEvent: tEnd = ${tEnd}; expected a finite number other than t0 = ${t0}`);
  const o = resolveOptions(solver);
  if (!isAdaptive(o.method)) {
    throw new OdeOptionError(
      `odeintEvent: method '${o.method}' is fixed-step; events are located on the dense output of an adaptive method (bosh3, dopri5, tsit5, dop853)`,
    );
  }
  const tab: EmbeddedTableau = ADAPTIVE_METHODS[o.method as AdaptiveMethodName];
  const B = y0.shape[0];
  const g = counted(f, y0);
  let gPrev = Array.from(eventValues(event, new Array(B).fill(t0), y0, `t0 = ${t0}`));
  const found = new Array<boolean>(B).fill(false);
  const tStar = new Array<number>(B).fill(Number.NaN);
  const times: number[][] = Array.from({ length: B }, () => []);
  let yAcc: Tensor | null = null;
  const hook = (step: AcceptedStep): boolean => {
    const gNew = Array.from(eventValues(event, new Array(B).fill(step.t1), step.y1, `t = ${step.t1}`));
    const rows: number[] = [];
    for (let r = 0; r < B; r++)
      if ((!terminal || !found[r]) && crossed(gPrev[r], gNew[r], direction)) rows.push(r);
    if (rows.length > 0) {
      const th = locate(step, event, rows, gPrev, gNew, B, eventTol);
      for (const r of rows) {
        const t = step.t0 + th[r] * step.h;
        times[r].push(t);
        if (!found[r]) tStar[r] = t;
        found[r] = true;
      }
      if (terminal) {
        const mask = new Array<number>(B).fill(0);
        for (const r of rows) mask[r] = 1;
        const prev: Tensor | null = yAcc;
        yAcc = tf.tidy(() => {
          const m = tf.reshape(tf.tensor1d(mask), [B, ...y0.shape.slice(1).map(() => 1)]);
          const part = tf.mul(denseRows(step, th), m);
          return prev ? tf.add(prev, part) : part;
        });
        prev?.dispose();
      }
    }
    gPrev = gNew;
    return terminal && found.every(Boolean);
  };
  let ys: Tensor[];
  let stats: SolveStats;
  try {
    ({ ys, stats } = runSync(adaptiveSteps(g, tab, y0, [t0, tEnd], tEnd > t0 ? 1 : -1, o, undefined, hook)));
  } catch (err) {
    (yAcc as Tensor | null)?.dispose();
    throw err;
  }
  const missing = found.flatMap((ok, r) => (ok ? [] : [r]));
  if (!terminal) {
    const y = ys[1];
    return { t: tf.fill([B], tEnd), y, times, stats };
  }
  for (const y of ys.slice(1)) y.dispose();
  if (missing.length > 0 || yAcc === null) {
    (yAcc as Tensor | null)?.dispose();
    throw new OdeEventError(
      `odeintEvent: no event for row(s) ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} between t0 = ${t0} and tEnd = ${tEnd}`,
    );
  }
  const yStar: Tensor = yAcc;
  const nfe0 = g.nfe;
  // Constants of the implicit-function gradient, at the located (t*, y*): ∂g/∂t, ∂g/∂y, f(t*, y*).
  let consts: { gy: Tensor; gt: Tensor; fStar: Tensor };
  try {
    consts = gradientConstants();
  } catch (err) {
    yStar.dispose();
    throw err;
  }
  const { gy, gt, fStar } = consts;
  function gradientConstants() {
    return tf.tidy(() => {
      const yC = tf.tensor(yStar.dataSync(), yStar.shape);
      const tC = tf.tensor1d(tStar);
      // (+ 0·Σt + 0·Σy: an event that ignores t or y still gets a (zero) gradient there)
      const [dt, dyv] = tf.grads((a: Tensor, b: Tensor) =>
        tf.addN([tf.sum(event(a, b)), tf.mul(tf.sum(a), 0), tf.mul(tf.sum(b), 0)]),
      )([tC, yC]);
      const rowMask = (r: number) => {
        const m = new Array<number>(B).fill(0);
        m[r] = 1;
        return tf.reshape(tf.tensor1d(m), [B, ...y0.shape.slice(1).map(() => 1)]);
      };
      const byTime = new Map<number, number[]>();
      tStar.forEach((t, r) => {
        byTime.set(t, [...(byTime.get(t) ?? []), r]);
      });
      const parts: Tensor[] = [];
      for (const [t, rs] of byTime) {
        const ft = g(t, yC);
        for (const r of rs) parts.push(tf.mul(ft, rowMask(r)));
      }
      return { gy: tf.reshape(dyv, [B, -1]), gt: dt, fStar: tf.reshape(addAll(parts), [B, -1]) };
    });
  }
  const packed = implicitEventOp(yStar, tStar, gy, gt, fStar);
  const out = tf.tidy(() => ({
    t: tf.reshape(tf.slice(packed, [0, 0], [-1, 1]), [B]),
    y: tf.reshape(tf.slice(packed, [0, 1], [-1, -1]), y0.shape),
  }));
  tf.dispose([packed, gy, gt, fStar, yStar]);
  return { ...out, times, stats: { ...stats, nfe: stats.nfe + (g.nfe - nfe0) } };
}
