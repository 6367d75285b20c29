import { type Tensor, tf } from './tf.js';

interface TapeState {
  gradientDepth: number;
  activeTape: { saved?: Tensor[]; outputs?: Tensor[] }[] | null;
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
      // a node with no inputs and no outputs: never on a gradient path, its saved tensors disposed with the tape's
      const node = { id: -1, kernelName: 'odeflow:held', inputs: {}, outputs: [], saved: this.held };
      tape.push(node);
      this.tape = tape;
    }
    return this.held;
  }
}

/**
 * Keeps tensors made inside a tf.customGrad forward function alive for that op's backward pass
 * without copying them: each is kept (so the forward scope does not dispose it) and attached to
 * the tape being recorded as the saved tensors of a node on no gradient path, so tfjs disposes
 * them with the tape's other saved tensors after the backward pass, and {@link releaseTape} when
 * the function under the gradient threw. tfjs's own `save` instead clones every tensor (one
 * Identity kernel and one tape node each). Only for tensors the op itself made (never its inputs:
 * their owners dispose them). Does nothing (and keeps nothing) when no tape is recording.
 *
 * @param tensors Tensors the op made in its forward function.
 * @param taped What {@link TapeHeld.recording} said before the op started.
 */
export function holdForBackward(tensors: readonly Tensor[], taped: boolean): void {
  if (!taped || tensors.length === 0) return;
  const state: TapeState = Reflect.get(tf.engine(), 'state');
  const tape = state.activeTape;
  if (tape === null) return;
  // like TapeHeld's node: no inputs and no outputs, so never on a gradient path
  const node = {
    id: -1,
    kernelName: 'odeflow:held',
    inputs: {},
    outputs: [],
    saved: tensors.map((t) => tf.keep(t)),
  };
  tape.push(node);
}
