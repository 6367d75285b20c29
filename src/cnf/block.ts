import { addAll } from '../../solvers/add-all.js';
import { odeintAdjoint } from '../../solvers/adjoint.js';
import { adjointGradAsync } from '../../solvers/adjoint-async.js';
import { type AdjointOptions, adjointKeys, type BackwardSettings } from '../../solvers/adjoint-options.js';
import { solveIvp } from '../../solvers/odeint.js';
import { resolveOptions, type SolverOptions } from '../../solvers/options.js';
import type { SolvePlan } from '../../solvers/plan.js';
import { replayIvp, solveIvpAsync } from '../../solvers/solve-ivp-async.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeFunc, SolveResult, SolveStats } from '../../solvers/types.js';
import type {
  Bijector,
  Extras,
  ForwardResult,
  InverseResult,
  PassMode,
  PassPlan,
} from '../core/transform.js';
import { type NoiseKind, probeNoise } from '../nn/divergence.js';
import { uniformRng } from '../nn/init.js';
import type { VectorField } from '../nn/mlp.js';
import { augmentedDynamics, type StateLayout, stateLayout } from './dynamics.js';
import { withEndTimeGradient, withEndTimeGradientNoRead } from './end-time.js';
import { fusedDynamics } from './fused.js';

/** Divergence of the log-density's rate: exact (D tangents) or Hutchinson's estimate. */
export type DivergenceKind = 'exact' | 'hutchinson';

/** Settings of one {@link CnfBlock} (the CNF fills them from its options; see src/cnf/options.ts). */
export interface CnfBlockSettings {
  /** Initial end time T (> 0). */
  readonly T: number;
  /** Train T as s² (FFJORD's sqrt_end_time). */
  readonly trainT: boolean;
  /** Solver of training passes, handed unchanged to the solve. */
  readonly train: SolverOptions;
  /** Solver of evaluation passes (logProb, sample), handed unchanged to the solve. */
  readonly eval: SolverOptions;
  /** Divergence in training passes. */
  readonly divergence: DivergenceKind;
  /** Divergence in evaluation passes. */
  readonly evalDivergence: DivergenceKind;
  /** Hutchinson probe distribution (one probe per solve). */
  readonly noise: NoiseKind;
  /** Gradients of training passes: through the solver, or by the adjoint method. */
  readonly gradient: 'backprop' | 'adjoint';
  /** The adjoint's backward solve settings; each not given is the training solve's. Default {}. */
  readonly adjointSolver?: BackwardSettings;
  /** Weight of the kinetic-energy regularizer ∫‖f‖² dt (0: off). */
  readonly kinetic: number;
  /** Weight of the Jacobian Frobenius regularizer ∫‖∂f/∂x‖²_F dt (0: off). */
  readonly jacobian: number;
  /** Use the fused hand-differentiated dynamics when the field allows it. */
  readonly fused: boolean;
  /**
   * Training solves (and the adjoint's backward solves) begin with the step size the previous one
   * chose after its first step (`SolveStats.warmStep`) rather than the initial-step heuristic;
   * absent: false.
   */
  readonly warmStart?: boolean;
  /** Seed of the Hutchinson probe sequence. */
  readonly noiseSeed: number;
}

/** One solve's packed result and counts. */
interface Solved {
  /** Packed state at the far end, [B, S]. */
  y: Tensor;
  nfe: number;
  layout: StateLayout;
}

/** The choices of one block's training pass, made asynchronously ({@link CnfBlock.planAsync}). */
export class CnfBlockPlan implements PassPlan {
  /**
   * A plan (made by {@link CnfBlock.planAsync}).
   *
   * @param block The block that made it (a plan replays only there).
   * @param T End time T, read when the plan was made.
   * @param solve The accepted steps of the solve 0 → T.
   * @param probe The Hutchinson probe `[B, D]` of the pass (owned by the plan unless it is the block's fixed `probe`), or null.
   * @param nfe Function evaluations of the planning solve (what the synchronous pass's solve counts).
   * @param ownsProbe Whether the plan drew the probe (and frees it).
   */
  constructor(
    /** The block that made it (a plan replays only there). */
    readonly block: CnfBlock,
    /** End time T, read when the plan was made. */
    readonly T: number,
    /** The accepted steps of the solve 0 → T. */
    readonly solve: SolvePlan,
    /** The Hutchinson probe of the pass, or null (exact divergence). */
    readonly probe: Tensor | null,
    /** Function evaluations of the planning solve (what the synchronous pass's solve counts). */
    readonly nfe: number,
    private readonly ownsProbe: boolean,
  ) {}

  /** Frees the probe the plan drew. */
  dispose(): void {
    if (this.ownsProbe && this.probe && !this.probe.isDisposed) this.probe.dispose();
  }
}

/** The solve of a {@link CnfAdjointPass}: what its backward half needs again. */
export interface CnfAdjointCall {
  /** The augmented dynamics of the packed state. */
  F: OdeFunc;
  /** The packed start state `[B, S]`. */
  y0: Tensor;
  /** Times 0 → T. */
  ts: [number, number];
  /** The training solver settings (the backward solve's are the block's `adjointSolver` on top). */
  options: SolverOptions;
  /** Columns of the packed state. */
  layout: StateLayout;
  /** The tensors the adjoint differentiates: the field's variables, or the fused dynamics' per-solve tensors. */
  params: readonly Tensor[];
  /** The Hutchinson probe of the pass, or null (exact divergence). */
  eps: Tensor | null;
}

/**
 * The forward half of an adjoint training pass made with async reads
 * ({@link CnfBlock.adjointForwardAsync}): the packed solution at 0 and T, the dynamics and what
 * they close over, kept until {@link CnfBlock.adjointBackwardAsync} has run. The caller disposes it.
 */
export class CnfAdjointPass {
  /**
   * A forward half (made by {@link CnfBlock.adjointForwardAsync}).
   *
   * @param block The block that made it.
   * @param inputShape Shape of the block's input `[B, ...]`.
   * @param T End time T, read when the pass was made.
   * @param call The dynamics, solver call and layout of the solve.
   * @param ys Packed states at 0 and T, `[2, B, S]`.
   * @param yEnd Packed state at T, `[B, S]`.
   * @param nfe Function evaluations of the forward solve (and of the end-time rate when T is trained).
   * @param owned Tensors the dynamics close over (freed by {@link dispose}).
   */
  constructor(
    /** The block that made it. */
    readonly block: CnfBlock,
    /** Shape of the block's input `[B, ...]`. */
    readonly inputShape: readonly number[],
    /** End time T, read when the pass was made. */
    readonly T: number,
    /** The dynamics, solver call and layout of the solve. */
    readonly call: CnfAdjointCall,
    /** Packed states at 0 and T, `[2, B, S]`. */
    readonly ys: Tensor,
    /** Packed state at T, `[B, S]`. */
    readonly yEnd: Tensor,
    /** Forward evaluations, as the synchronous adjoint pass reports them. */
    readonly nfe: number,
    private readonly owned: Tensor[],
  ) {}

  /** Frees the solution and what the dynamics close over. */
  dispose(): void {
    tf.dispose([this.ys, this.yEnd, ...this.owned]);
  }
}

/** What a pass needs from the solve: the dynamics, the packed start, the times and settings. */
interface SolveCall {
  F: OdeFunc;
  y0: Tensor;
  ts: [number, number];
  options: SolverOptions;
}

/**
 * A CNF block (FFJORD, Grathwohl et al. 2019) as a {@link Bijector}: x at t = 0 flows by
 * dx/dt = f_θ(t, x[, c]) to z at t = T = s², and log|det ∂z/∂x| = ∫₀ᵀ div f dt rides along in one
 * packed state [x, a, regularizers]. `forward` integrates 0 → T, `inverse` T → 0. The end time
 * s is a trainable parameter; the regularizers (training passes) come back as `extras.penalty`
 * (weighted) and `extras.terms` (`kinetic`, `jacobian`), the solver's counts as `extras.stats`
 * (`nfe`, and `nfeBackward` of the last adjoint gradient), so a chain of blocks and discrete
 * layers carries them like any log-det. Derivatives inside the dynamics are forward-mode.
 *
 * Input of any shape `[B, ...]` with D = field.dim elements per example (image blocks of a
 * multiscale model see `[B, H, W, C]`); the output has the input's shape.
 *
 * Async: `forwardAsync` / `inverseAsync` call `solveIvpAsync` (adaptive steps chosen with async
 * reads). A training pass that reads nothing synchronously comes in two phases: `planAsync`
 * reads the end time, draws the Hutchinson probe and picks the training solve's steps
 * asynchronously, off the tape; `forward(x, c, { training: true, plan })` replays them under the
 * gradient tape with no read (backprop gradients). With `gradient: 'adjoint'` a block does not
 * plan (its backward solve picks steps while backpropagating); `adjointForwardAsync`,
 * `adjointOutputs` and `adjointBackwardAsync` give the adjoint gradient with async reads instead
 * (the CNF model's `lossAndGradientsAsync` chains them).
 */
export class CnfBlock implements Bijector {
  readonly name = 'cnf';
  /** Data dimension D (the field's). */
  readonly dim: number;
  /** s, T = s². */
  readonly sqrtEndTime: tf.Variable;
  readonly params: readonly tf.Variable[];
  /** Backward-pass NFE of the most recent adjoint gradient (0 before one ran). */
  lastBackwardNfe = 0;
  private readonly noiseRng: () => number;
  /** Tensors the adjoint's backward pass of the last training pass may still need (kept, disposed later). */
  private held: Tensor[] = [];
  /** The first step of the next training solve (`warmStart`): the last one's `SolveStats.warmStep`. */
  private nextFirstStep: number | undefined;
  /** The same for the adjoint's backward solve (`adjointFirstStep`). */
  private nextBackwardFirstStep: number | undefined;
  /** A fixed Hutchinson probe [B, D] for the passes (tests, variance studies); null: fresh per solve. */
  probe: Tensor | null = null;

  /**
   * A block over `field` with end time `settings.T`.
   *
   * @param field The vector field f(t, x, c) the block integrates.
   * @param settings End time, solver settings per phase, divergence, regularizers and seeds.
   */
  constructor(
    /** The vector field f(t, x, c) the block integrates. */
    readonly field: VectorField,
    /** End time, solver settings per phase, divergence, regularizers and seeds. */
    readonly settings: CnfBlockSettings,
  ) {
    if (!(Number.isFinite(settings.T) && settings.T > 0)) {
      throw new Error(`CnfBlock: T = ${settings.T} is invalid: expected a finite number > 0`);
    }
    // validated here (errors name the option and range); handed on unchanged
    resolveOptions(settings.train);
    resolveOptions(settings.eval);
    this.dim = field.dim;
    const init = tf.scalar(Math.sqrt(settings.T));
    this.sqrtEndTime = tf.variable(init, settings.trainT);
    init.dispose();
    this.params = [...field.params, ...(settings.trainT ? [this.sqrtEndTime] : [])];
    this.noiseRng = uniformRng(settings.noiseSeed);
  }

  /** The end time T = s² (one read). */
  endTime(): number {
    return this.sqrtEndTime.dataSync()[0] ** 2;
  }

  forward(x: Tensor, context?: Tensor, mode?: PassMode): ForwardResult {
    const training = mode?.training === true;
    if (mode?.plan !== undefined) return this.replay(x, mode, context);
    if (training) this.releaseHeld();
    const keep: Tensor[] = [];
    try {
      const r = tf.tidy(() => {
        const call = this.prepare(x, 1, training, context, keep);
        const solved = this.finish(call, this.solve(call, training), training);
        const { h, logDet, extras } = this.unpack(x.shape, solved, training);
        return { y: h, logDet, extras };
      });
      this.held.push(...keep);
      return r;
    } catch (err) {
      tf.dispose(keep); // kept for a backward pass that will not come
      throw err;
    }
  }

  /**
   * The generative direction (T → 0), always with the evaluation settings (sampling has no training pass).
   *
   * @param y Latent points `[B, D]` at t = T.
   * @param context Context `[B, C]` the field reads, or absent.
   */
  inverse(y: Tensor, context?: Tensor): InverseResult {
    return tf.tidy(() => {
      const call = this.prepare(y, -1, false, context, []);
      const { h, logDet, extras } = this.unpack(
        y.shape,
        this.finish(call, this.solve(call, false), false),
        false,
      );
      return { x: h, logDet, extras };
    });
  }

  async forwardAsync(x: Tensor, context?: Tensor, mode?: PassMode): Promise<ForwardResult> {
    if (mode?.training) throw trainingAsyncError();
    const { h, logDet, extras } = await this.passAsync(x, 1, false, context);
    return { y: h, logDet, extras };
  }

  async inverseAsync(y: Tensor, context?: Tensor, mode?: PassMode): Promise<InverseResult> {
    if (mode?.training) throw trainingAsyncError();
    const { h, logDet, extras } = await this.passAsync(y, -1, false, context);
    return { x: h, logDet, extras };
  }

  /**
   * Phase one of a training pass that reads nothing synchronously: reads the end time, draws the
   * Hutchinson probe (training divergence) and picks the training solve's steps x → z (training
   * solver settings) with async reads and no tape. Returns z (the input's shape) and the plan that
   * `forward(x, c, { training: true, plan })` replays: the value and gradient of the synchronous
   * training pass `forward(x, c, { training: true })` for the same steps, probe and end time
   * (regularizers and a trainable end time included). Throws for `gradient: 'adjoint'`: its
   * backward solve picks steps with reads during backpropagation.
   *
   * @param x Input `[B, ...]` (data side).
   * @param context Optional context `[B, C]` for a conditional field.
   */
  async planAsync(
    x: Tensor,
    context?: Tensor,
  ): Promise<{
    /** z, the input's shape (owned by the caller). */
    y: Tensor;
    /** The chosen steps, probe and end time (the caller disposes it). */
    plan: CnfBlockPlan;
  }> {
    const s = this.settings;
    if (s.gradient === 'adjoint') {
      throw new Error(
        "CnfBlock: gradient 'adjoint' has no training pass free of synchronous reads (the adjoint's " +
          'backward solve picks its steps with reads during backpropagation); a CNF model trains with ' +
          "it through lossAndGradientsAsync (what train uses with reads 'async'), a block inside " +
          "another model does not yet: use gradient 'backprop' there on a backend without synchronous " +
          'reads (WebGPU in Node), or train on wasm/cpu',
      );
    }
    let probe: Tensor | null = null;
    let owns = false;
    if (s.divergence === 'hutchinson') {
      probe = this.probe;
      if (probe === null) {
        probe = this.drawProbe(x.shape[0]);
        owns = true;
      }
    }
    try {
      const { h, logDet, T, solve, nfe } = await this.passAsync(x, 1, true, context, probe);
      logDet.dispose();
      return { y: h, plan: new CnfBlockPlan(this, T, solve, probe, nfe, owns) };
    } catch (err) {
      if (owns) probe?.dispose();
      throw err;
    }
  }

  /**
   * Phase two of a read-free training pass (what `forward(x, c, { training: true, plan })` does):
   * replays `plan`'s steps under whatever gradient tape is active, synchronously and reading
   * nothing (the end-time gradient uses the planned T).
   *
   * @param x The same input `[B, ...]` that {@link planAsync} was given.
   * @param plan What {@link planAsync} returned for `x`.
   * @param context The same optional context `[B, C]` as in {@link planAsync}.
   */
  replayForward(x: Tensor, plan: CnfBlockPlan, context?: Tensor): ForwardResult {
    return this.replay(x, { training: true, plan }, context);
  }

  private replay(x: Tensor, mode: PassMode, context?: Tensor): ForwardResult {
    const plan = mode.plan;
    if (!(plan instanceof CnfBlockPlan) || plan.block !== this) {
      throw new Error('CnfBlock: this plan was not made by this block (use the plan its planAsync returned)');
    }
    if (mode.training !== true)
      throw new Error('CnfBlock: a plan replays a training pass: pass { training: true, plan }');
    return tf.tidy(() => {
      const call = this.prepare(x, 1, true, context, [], plan.T, plan.probe);
      const r = replayIvp(call.F, call.y0, plan.solve);
      // reported as the synchronous pass reports it: the solve that chose the steps (its
      // initial-step evaluations included), not the replay
      let { y, nfe } = lastRow(r, call.y0, plan.nfe);
      if (this.settings.trainT && call.ts[1] > call.ts[0]) {
        y = withEndTimeGradientNoRead(call.F, y, this.sqrtEndTime, plan.T);
        nfe += 1;
      }
      const { h, logDet, extras } = this.unpack(x.shape, { y, nfe, layout: call.layout }, true);
      return { y: h, logDet, extras };
    });
  }

  /**
   * The forward half of an adjoint training pass with async reads and no tape (for
   * `gradient: 'adjoint'` on backends without synchronous reads): reads the end time, draws the
   * Hutchinson probe as the synchronous pass does, and solves x → z with the training settings.
   * The same solve, steps and numbers as the forward solve of the synchronous adjoint pass.
   * Training-pass outputs (image, log-det, regularizers) come from {@link adjointOutputs} of
   * `pass.yEnd`; the gradients from {@link adjointBackwardAsync}.
   *
   * @param x Input `[B, ...]` (data side).
   * @param context Optional context `[B, C]` for a conditional field.
   */
  async adjointForwardAsync(x: Tensor, context?: Tensor): Promise<CnfAdjointPass> {
    if (this.settings.gradient !== 'adjoint') {
      throw new Error(
        `CnfBlock.adjointForwardAsync: this block's gradient is '${this.settings.gradient}'; expected 'adjoint' (use planAsync for 'backprop')`,
      );
    }
    this.releaseHeld();
    const T = (await this.sqrtEndTime.data())[0] ** 2;
    const keep: Tensor[] = [];
    let prepared: ReturnType<CnfBlock['prepare']> | undefined;
    const y0 = tf.tidy(() => {
      prepared = this.prepare(x, 1, true, context, keep, T);
      return prepared.y0;
    });
    const owned = [y0, ...keep];
    if (!prepared) throw new Error('CnfBlock: the solve was not prepared');
    const call = prepared;
    try {
      const r = await solveIvpAsync(call.F, y0, call.ts, call.options);
      this.learnFirstStep(r.stats);
      const yEnd = tf.tidy(() => tf.reshape(tf.slice(r.ys, [1, 0, 0], [1, -1, -1]), y0.shape));
      const nfe = r.stats.nfe + (this.settings.trainT ? 1 : 0);
      return new CnfAdjointPass(this, x.shape, T, call, r.ys, yEnd, nfe, owned);
    } catch (err) {
      tf.dispose(owned);
      throw err;
    }
  }

  /**
   * The training pass's image (the input's shape), log|det| `[B]` and extras (regularizer terms
   * and penalty, counts) as functions of the packed end state `yEnd` of `pass`: differentiable in
   * `yEnd` (first-order autodiff), reading nothing.
   *
   * @param pass What {@link adjointForwardAsync} returned.
   * @param yEnd The packed end state (`pass.yEnd`, or a tensor standing for it under a gradient).
   */
  adjointOutputs(pass: CnfAdjointPass, yEnd: Tensor): ForwardResult {
    const { h, logDet, extras } = this.unpack(
      pass.inputShape,
      { y: yEnd, nfe: pass.nfe, layout: pass.call.layout },
      true,
    );
    return { y: h, logDet, extras };
  }

  /**
   * The backward half of an adjoint training pass with async reads: given ∂L/∂z(T) for the packed
   * end state, solves the adjoint system back to 0 ({@link adjointGradAsync}, the backward solve
   * of the synchronous adjoint pass with the block's `adjointSolver`) and returns ∂L/∂x (the input's
   * shape), and the gradients of the block's variables: the field's parameters, and the end time
   * s (∂L/∂s = 2s·⟨∂L/∂z(T), F(T, z(T))⟩) when it is trained. Reads nothing synchronously; the
   * caller owns what comes back and still disposes `pass`.
   *
   * @param pass What {@link adjointForwardAsync} returned.
   * @param dLdyEnd ∂L/∂z(T), shape of `pass.yEnd` (the caller keeps it).
   */
  async adjointBackwardAsync(
    pass: CnfAdjointPass,
    dLdyEnd: Tensor,
  ): Promise<{
    /** ∂L/∂x, the input's shape. */
    dx: Tensor;
    /** Gradient of each of the block's variables that has one. */
    grads: Map<tf.Variable, Tensor>;
  }> {
    if (pass.block !== this) throw new Error('CnfBlock: this adjoint pass was not made by this block');
    const { call } = pass;
    const dLdys = tf.tidy(() => tf.stack([tf.zerosLike(dLdyEnd), dLdyEnd]));
    let out: { dy0: Tensor; dParams: Tensor[] };
    try {
      out = await adjointGradAsync(call.F, call.ts, pass.ys, dLdys, {
        ...call.options,
        ...this.backwardOptions(),
        params: call.params,
      });
    } finally {
      dLdys.dispose();
    }
    const { dy0, dParams } = out;
    const grads = new Map<tf.Variable, Tensor>();
    try {
      const dx = tf.tidy(() => tf.reshape(tf.slice(dy0, [0, 0], [-1, this.dim]), [...pass.inputShape]));
      if (call.params.every((p) => p instanceof tf.Variable)) {
        call.params.forEach((p, i) => {
          grads.set(p as tf.Variable, dParams[i]);
        });
      } else {
        // the fused dynamics differentiate per-solve tensors derived from the variables: chain
        // their gradients to the variables by first-order autodiff of the derivation
        const vars = this.field.params.filter((v) => v.trainable);
        const r = tf.variableGrads(() => {
          const d = fusedDynamics(this.field, call.layout, call.eps);
          if (!d) throw new Error('CnfBlock: the fused dynamics of the forward pass cannot be rebuilt');
          return addAll(d.params.map((q, i) => tf.sum(tf.mul(q, dParams[i])))) as tf.Scalar;
        }, vars);
        r.value.dispose();
        tf.dispose(dParams);
        for (const v of vars) if (r.grads[v.name]) grads.set(v, r.grads[v.name]);
      }
      if (this.settings.trainT) {
        const ds = tf.tidy(() =>
          tf.mul(tf.sum(tf.mul(dLdyEnd, call.F(pass.T, pass.yEnd))), tf.mul(this.sqrtEndTime, 2)),
        );
        grads.set(this.sqrtEndTime, ds);
      }
      return { dx, grads };
    } catch (err) {
      tf.dispose([...dParams, ...grads.values()]);
      throw err;
    } finally {
      dy0.dispose();
    }
  }

  /** Disposes the end-time variable, the field's variables and anything kept for a pending adjoint gradient. */
  dispose(): void {
    this.releaseHeld();
    for (const p of new Set([...this.field.params, this.sqrtEndTime])) p.dispose();
  }

  /** One pass off the tape with async reads; `trainSettings`: the training solver and divergence (for a plan). */
  private async passAsync(
    input: Tensor,
    direction: 1 | -1,
    trainSettings: boolean,
    context?: Tensor,
    probe?: Tensor | null,
  ) {
    const T = (await this.sqrtEndTime.data())[0] ** 2;
    // an await cannot sit in a tidy scope: build the call in one, keeping what the dynamics use
    let prepared: ReturnType<CnfBlock['prepare']> | undefined;
    const owned = tf.tidy(() => {
      const c = this.prepare(input, direction, trainSettings, context, [], T, probe);
      prepared = c;
      return [c.y0, ...c.constants, ...c.params.filter((q) => !(q instanceof tf.Variable))];
    });
    if (!prepared) throw new Error('CnfBlock: the solve was not prepared');
    const call = prepared;
    try {
      const r = await solveIvpAsync(call.F, call.y0, call.ts, call.options);
      if (trainSettings) this.learnFirstStep(r.stats);
      const out = tf.tidy(() =>
        this.unpack(input.shape, this.finish(call, lastRow(r, call.y0, r.stats.nfe), false), false),
      );
      r.ys.dispose();
      return { ...out, T, solve: r.plan, nfe: r.stats.nfe };
    } finally {
      tf.dispose(owned);
    }
  }

  /** The packed start state, the dynamics and the solver call of one pass. */
  private prepare(
    x: Tensor,
    direction: 1 | -1,
    training: boolean,
    context: Tensor | undefined,
    keep: Tensor[],
    endTime?: number,
    probe?: Tensor | null,
  ): SolveCall & {
    layout: StateLayout;
    constants: Tensor[];
    params: readonly Tensor[];
    T: number;
    eps: Tensor | null;
  } {
    const s = this.settings;
    const batch = x.shape[0];
    if (x.size !== batch * this.dim) {
      throw new Error(
        `CNF input has shape [${x.shape.join(', ')}]; expected [B, ${this.dim}] (or [B, ...] with ${this.dim} elements)`,
      );
    }
    const regs = { kinetic: training && s.kinetic > 0, jacobian: training && s.jacobian > 0 };
    const layout = stateLayout(this.dim, regs);
    const hutch = (training ? s.divergence : s.evalDivergence) === 'hutchinson';
    const toState = tf.tensor2d(
      Float32Array.from({ length: this.dim * layout.width }, (_, i) =>
        i % layout.width === Math.floor(i / layout.width) ? 1 : 0,
      ),
      [this.dim, layout.width],
    );
    const y0 = tf.matMul(tf.reshape(x, [batch, this.dim]), toState);
    const T = endTime ?? this.endTime();
    let eps: Tensor | null = null;
    let ownNoise = false;
    if (hutch) {
      eps = probe ?? this.probe;
      if (eps === null) {
        eps = this.drawProbe(batch);
        ownNoise = true;
      }
    }
    const adjoint = training && s.gradient === 'adjoint';
    // the adjoint's backward pass evaluates F after the caller's scope: it gets its own copy of the context
    const ctx = adjoint && context ? tf.keep(tf.clone(context)) : context;
    if (adjoint && ctx) keep.push(ctx);
    const fused =
      s.fused && context === undefined && this.field.config.contextDim === 0
        ? fusedDynamics(this.field, layout, eps)
        : null;
    const dyn: { F: OdeFunc; constants: Tensor[]; params: readonly Tensor[] } = fused ?? {
      ...augmentedDynamics(this.field, layout, eps, ctx),
      params: this.field.params,
    };
    if (adjoint) {
      // the backward pass runs after the caller's scope has ended and evaluates F again
      // (derived per-solve tensors too; the variables themselves are never held)
      for (const k of [...dyn.constants, ...dyn.params.filter((q) => !(q instanceof tf.Variable))]) {
        keep.push(tf.keep(k));
      }
      if (ownNoise && eps) keep.push(tf.keep(eps));
    }
    return {
      F: dyn.F,
      y0,
      ts: direction > 0 ? [0, T] : [T, 0],
      options: training ? this.trainSolverOptions() : s.eval,
      layout,
      constants: [...dyn.constants, ...(ownNoise && eps ? [eps] : [])],
      params: dyn.params,
      T,
      eps,
    };
  }

  /** The training solver settings, with the warm first step when `warmStart` has one (a given `firstStep` wins). */
  private trainSolverOptions(): SolverOptions {
    const o = this.settings.train;
    if (!this.settings.warmStart || this.nextFirstStep === undefined || o.firstStep !== undefined) return o;
    return { ...o, firstStep: this.nextFirstStep };
  }

  /** Keeps a training solve's `warmStep` as the next training solve's first step (`warmStart`). */
  private learnFirstStep(stats: SolveStats): void {
    if (this.settings.warmStart && stats.warmStep !== undefined) this.nextFirstStep = stats.warmStep;
  }

  /**
   * The adjoint's backward solve settings (`adjointSolver` as `adjoint*` keys), with its warm first
   * step when `warmStart` has one, and the stats callback that records the next one.
   */
  private backwardOptions(): Partial<AdjointOptions> {
    const warm = this.settings.warmStart ? this.nextBackwardFirstStep : undefined;
    return {
      ...adjointKeys(this.settings.adjointSolver),
      ...(warm !== undefined ? { adjointFirstStep: warm } : {}),
      onBackwardStats: (st: SolveStats) => {
        this.lastBackwardNfe = st.nfe;
        if (this.settings.warmStart && st.warmStep !== undefined) this.nextBackwardFirstStep = st.warmStep;
      },
    };
  }

  /** Runs the solve of `call` (adjoint or backprop in training), returns the final packed state. */
  private solve(
    call: SolveCall & { params: readonly Tensor[] },
    training: boolean,
  ): { y: Tensor; nfe: number } {
    if (training && this.settings.gradient === 'adjoint') {
      let nfe = 0;
      const ys = odeintAdjoint(call.F, call.y0, call.ts, {
        ...call.options,
        ...this.backwardOptions(),
        params: call.params,
        onForwardStats: (st: SolveStats) => {
          nfe += st.nfe;
          this.learnFirstStep(st);
        },
      });
      return lastRow({ ys, stats: { nfe, steps: 0, rejected: 0 } }, call.y0, nfe);
    }
    const r = solveIvp(call.F, call.y0, call.ts, call.options);
    if (training) this.learnFirstStep(r.stats);
    return lastRow(r, call.y0, r.stats.nfe);
  }

  /** Attaches the end-time gradient in training passes (one extra evaluation). */
  private finish(
    call: SolveCall & { layout: StateLayout; T: number },
    end: { y: Tensor; nfe: number },
    training: boolean,
  ): Solved {
    let { y, nfe } = end;
    if (training && this.settings.trainT && call.ts[1] > call.ts[0]) {
      y = withEndTimeGradient(call.F, y, this.sqrtEndTime, call.T);
      nfe += 1;
    }
    return { y, nfe, layout: call.layout };
  }

  /** The image (input's shape), log|det| and extras from the packed end state. */
  private unpack(
    shape: readonly number[],
    solved: Solved,
    training: boolean,
  ): { h: Tensor; logDet: Tensor; extras: Extras } {
    const { y, layout, nfe } = solved;
    const h = tf.reshape(tf.slice(y, [0, 0], [-1, this.dim]), [...shape]);
    const logDet = tf.neg(column(y, layout.logdet));
    const stats: Record<string, number> = { nfe };
    if (training && this.settings.gradient === 'adjoint') stats.nfeBackward = this.lastBackwardNfe;
    if (!training || (layout.kinetic < 0 && layout.jacobian < 0)) return { h, logDet, extras: { stats } };
    const terms: Record<string, Tensor> = {};
    let penalty: Tensor | null = null;
    if (layout.kinetic >= 0) {
      terms.kinetic = column(y, layout.kinetic);
      penalty = tf.mul(terms.kinetic, this.settings.kinetic);
    }
    if (layout.jacobian >= 0) {
      terms.jacobian = column(y, layout.jacobian);
      const j = tf.mul(terms.jacobian, this.settings.jacobian);
      penalty = penalty === null ? j : tf.add(penalty, j);
    }
    return { h, logDet, extras: { penalty: penalty ?? undefined, terms, stats } };
  }

  /** A fresh Hutchinson probe `[batch, D]` (the next seed of the block's probe sequence). */
  private drawProbe(batch: number): Tensor {
    return probeNoise(this.settings.noise, [batch, this.dim], Math.floor(this.noiseRng() * 2 ** 31));
  }

  private releaseHeld(): void {
    tf.dispose(this.held);
    this.held = [];
  }
}

function trainingAsyncError(): Error {
  return new Error(
    'CnfBlock: an async training pass runs in two phases: planAsync(x, c), then forward(x, c, { training: true, plan }) under the gradient tape',
  );
}

/** The last output time's state of a two-time solve, [B, S]. */
function lastRow(r: SolveResult, y0: Tensor, nfe: number): { y: Tensor; nfe: number } {
  return { y: tf.reshape(tf.slice(r.ys, [1, 0, 0], [1, -1, -1]), y0.shape), nfe };
}

function column(y: Tensor, col: number): Tensor {
  return tf.reshape(tf.slice(y, [0, col], [-1, 1]), [-1]);
}
