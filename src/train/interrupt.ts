/** A process-like object that emits signals (Node's `process`, or a test double). */
export interface SignalSource {
  /**
   * Adds a listener.
   *
   * @param signal The signal.
   * @param listener Called when it arrives.
   */
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  /**
   * Removes a listener.
   *
   * @param signal The signal.
   * @param listener The listener given to `on`.
   */
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** Options of {@link watchInterrupt}. */
export interface InterruptOptions {
  /** Signals watched. Default ['SIGINT'] (Ctrl-C). */
  signals?: readonly ('SIGINT' | 'SIGTERM')[];
  /** Where signals come from. Default `process`. */
  source?: SignalSource;
  /**
   * Called on the first signal (e.g. to print "stopping after this iteration…").
   *
   * @param signal The signal's name.
   */
  onFirst?: (signal: string) => void;
  /**
   * Called on a second signal, before training had a chance to stop cleanly. Default: exit
   * the process at once with status 130 (the user insists).
   *
   * @param signal The signal's name.
   */
  onSecond?: (signal: string) => void;
}

/** A request to stop, raised by a signal; training checks it between iterations. */
export interface Interrupt {
  /** Whether a signal has arrived. */
  readonly requested: boolean;
  /** The signal that arrived first, if any. */
  readonly signal: string | undefined;
  /** Removes the listeners (the default Ctrl-C behaviour returns). */
  dispose(): void;
}

/**
 * Turns Ctrl-C (SIGINT) into a request to stop that a training loop honours at the next
 * iteration boundary, so it can save a checkpoint and a report first; a second Ctrl-C exits at
 * once with status 130. Training in JavaScript only sees the signal when it yields to the event
 * loop: see {@link yieldToEventLoop}.
 *
 * @param options Signals, their source, and what to do on the first and second: see {@link InterruptOptions}.
 * @example
 * const stop = watchInterrupt();
 * await train(model, sampler, { onIteration: async () => { await yieldToEventLoop(); return !stop.requested; } });
 * stop.dispose();
 */
export function watchInterrupt(options: InterruptOptions = {}): Interrupt {
  const source = options.source ?? process;
  const signals = options.signals ?? ['SIGINT'];
  let first: string | undefined;
  const listeners = signals.map((sig) => {
    const fn = () => {
      if (first === undefined) {
        first = sig;
        options.onFirst?.(sig);
      } else if (options.onSecond) options.onSecond(sig);
      else process.exit(130);
    };
    source.on(sig, fn);
    return [sig, fn] as const;
  });
  return {
    get requested() {
      return first !== undefined;
    },
    get signal() {
      return first;
    },
    dispose() {
      for (const [sig, fn] of listeners) source.off(sig, fn);
    },
  };
}

/**
 * Resolves after pending I/O and signal callbacks have run (`setImmediate`): a synchronous
 * training step never lets Node deliver a signal, so the loop awaits this once per iteration.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
