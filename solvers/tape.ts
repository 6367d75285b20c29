import { type Tensor, tf } from './tf.js';

interface TapeState {
  gradientDepth: number;
  activeTape: { saved?: Tensor[]; outputs?: Tensor[] }[] | null;
  activeScope: { track: Tensor[] } | null;
}

/**
 * Attaches tensors to the tape as the saved tensors of a node that is on no gradient path (no
 * inputs, no outputs): tfjs disposes them with the tape's other saved tensors after the backward
 * pass, and {@link releaseTape} when the function under the gradient threw.
 */
function attach(tape: NonNullable<TapeState['activeTape']>, held: Tensor[], kernelName: string): void {
  tape.push({ id: -1, kernelName, inputs: {}, outputs: [], saved: held } as (typeof tape)[number]);
}

/**
 * Keeps what a tf.customGrad op's forward computed for its backward pass until the tape is done,
 * without copying it. tfjs's `save` clones every tensor it is given (an Identity kernel and a tape
 * node each, at every evaluation: 18 of the fused CNF op's ~150 kernels per evaluation). The
 * tensors the forward made (tracked in its scope) are kept as they are; any other (an input of the
 * op) is cloned as `save` would. Call inside the op's forward function; the backward reads the
 * returned list instead of its `saved` argument.
 *
 * @param taped What {@link TapeHeld.recording} said before the op started (inside its forward
 *   function the engine records nothing, so it cannot tell).
 * @param tensors The tensors the backward pass reads (not the op's output: a kept output would
 *   outlive its caller's scope and die with the tape).
 * @returns The tensors to read in the backward pass (the same list when no tape records: no
 *   backward pass will run then, and nothing is kept).
 */
export function holdForBackward(taped: boolean, tensors: readonly Tensor[]): readonly Tensor[] {
  const state: TapeState = Reflect.get(tf.engine(), 'state');
  const tape = state.activeTape;
  if (!taped || tape === null) return tensors;
  const own = new Set(state.activeScope?.track ?? []);
  const held: Tensor[] = [];
  const out = tensors.map((t) => {
    if (own.has(t)) {
      // kept: the forward scope leaves it alone; disposed with the tape (once, even if listed twice)
      if (!held.includes(t)) held.push(tf.keep(t));
      return t;
    }
    const copy = tf.keep(tf.clone(t));
    held.push(copy);
    return copy;
  });
  attach(tape, held, 'odeflow:saved');
  return out;
}

/**
 * Releases the gradient tape tfjs leaves open when the function under `tf.grad`/`variableGrads`
 * throws (its saved tensors would leak: tfjs disposes them only after a successful backward
 * pass), and, when the backward pass threw, the function's result (it escaped the forward
 * scope: the only tape output neither disposed nor kept). Call it after catching such an error;
 * it does nothing inside an enclosing gradient or when no tape is open.
 */
export function releaseTape(): void {
  // the engine's tape state has no typed accessor in tfjs
  const state: TapeState = Reflect.get(tf.engine(), 'state');
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) {
    for (const t of node.saved ?? []) t.dispose();
    for (const t of node.outputs ?? []) if (!t.isDisposed && !(t as { kept?: boolean }).kept) t.dispose();
  }
  state.activeTape = null;
}

/** The engine's gradient tape while ops are being recorded on it, else null. */
function recordingTape(): object | null {
  const state: TapeState & { kernelDepth: number } = Reflect.get(tf.engine(), 'state');
  return state.gradientDepth > 0 && state.kernelDepth === 0 ? state.activeTape : null;
}

/**
 * Per-solve tensors that several tf.customGrad ops of one gradient tape read in their backward
 * pass: cloned once per tape instead of once per op (tfjs's `save` clones every tensor it is
 * given, and the forward scope disposes the originals before the backward pass runs). The clones
 * are attached to the tape as the saved tensors of a node that is on no gradient path, so tfjs
 * disposes them with the tape's other saved tensors after the backward pass, and
 * {@link releaseTape} when the function under the gradient threw.
 */
export class TapeHeld {
  private tape: object | null = null;
  private held: Tensor[] = [];

  /**
   * Holds nothing yet: copies are made by {@link TapeHeld.get}, once per tape.
   *
   * @param tensors The tensors to hold (alive while {@link TapeHeld.get} is called).
   */
  constructor(private readonly tensors: readonly Tensor[]) {}

  /**
   * Whether the next op is recorded on a tape (call it outside the op's forward function: inside
   * a kernel the engine records nothing).
   */
  static recording(): boolean {
    return recordingTape() !== null;
  }

  /**
   * The held copies for the tape being recorded (made on the first call per tape), or the
   * tensors themselves when no tape records (no backward pass will read them then).
   *
   * @param taped What {@link TapeHeld.recording} said before the op started.
   */
  get(taped: boolean): readonly Tensor[] {
    if (!taped) return this.tensors;
    const state: TapeState = Reflect.get(tf.engine(), 'state');
    const tape = state.activeTape;
    if (tape === null) return this.tensors;
    if (tape !== this.tape) {
      this.held = this.tensors.map((t) => tf.keep(tf.clone(t)));
      attach(tape, this.held, 'odeflow:held');
      this.tape = tape;
    }
    return this.held;
  }
}
