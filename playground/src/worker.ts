/**
 * The training worker: all tfjs work happens here, so the page never waits on it. Training runs
 * one iteration at a time and yields to the message queue between iterations (pause, reset and
 * setting changes take effect at the next iteration); views are recomputed at most so often that
 * they take about a quarter of the time.
 */

import { activate, detect } from './backends.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { discreteKinds, METHODS, tf, toyNames } from './odeflow.js';
import type { BackendChoice, Catalog, Reply, Request } from './protocol.js';
import { DEFAULT_SETTINGS, Session, settingsOf } from './session.js';

interface WorkerScope {
  postMessage(message: Reply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<Request>) => void) | null;
}
const scope = self as unknown as WorkerScope;

const session = new Session();
let running = false;
let loopActive = false;
let lastViews = 0;
let viewSeconds = 0;
let backend: BackendChoice = 'cpu';

function catalog(): Catalog {
  return { toys: [...toyNames], discrete: discreteKinds(), adaptive: METHODS.adaptive, fixed: METHODS.fixed };
}

function post(message: Reply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function fail(err: unknown): void {
  running = false;
  post({ type: 'error', message: (err as Error).message ?? String(err) });
  postStatus();
}

function postStatus(): void {
  const last = session.history.at(-1);
  const lastNll = [...session.history].reverse().find((h) => h.testNll !== undefined)?.testNll;
  const nfe = session.lastInfo.nfe ?? session.lastInfo.nfeForward;
  post({
    type: 'status',
    status: {
      running,
      iteration: session.iteration,
      loss: last && Number.isFinite(last.loss) ? last.loss : undefined,
      testNll: lastNll,
      nfe,
      itsPerSec: session.itsPerSec(),
      evalSeconds: session.evalSeconds,
      viewSeconds: viewSeconds || undefined,
      model: session.describe(),
    },
    history: session.history,
  });
}

function postViews(): void {
  if (!session.model || !session.data) return;
  const v = session.views();
  viewSeconds = v.seconds;
  lastViews = performance.now();
  post({ type: 'views', views: v }, [v.logp.buffer, v.samples.buffer, v.paths.buffer] as Transferable[]);
}

/** Lets queued messages run (a zero-delay macrotask; setTimeout would clamp to 4 ms). */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

async function loop(): Promise<void> {
  if (loopActive) return;
  loopActive = true;
  try {
    while (running) {
      if (session.history.length === 0 && session.settings.evalEvery > 0) session.evaluate();
      await session.step();
      const s = session.settings;
      const stop = s.stopAt > 0 && session.iteration >= s.stopAt;
      if (s.evalEvery > 0 && (session.iteration % s.evalEvery === 0 || stop)) session.evaluate();
      if (stop) running = false;
      postStatus();
      if (!running || performance.now() - lastViews > Math.max(1000, 3000 * viewSeconds)) postViews();
      await yieldToMessages();
    }
  } catch (err) {
    fail(err);
  } finally {
    loopActive = false;
  }
}

/** Stops training and waits until the loop has left its iteration. */
async function halt(): Promise<void> {
  running = false;
  while (loopActive) await yieldToMessages();
}

let viewTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Views for a model that is not training, once the messages stop coming for a moment (several
 * setting changes in a row rebuild the model several times; the views are drawn once).
 */
function requestViews(): void {
  if (viewTimer !== undefined) clearTimeout(viewTimer);
  viewTimer = setTimeout(() => {
    viewTimer = undefined;
    queue = queue.then(() => {
      if (!running && viewTimer === undefined) postViews();
    });
  }, 200);
}

async function rebuild(): Promise<void> {
  await halt();
  session.reset();
  postStatus();
  if (session.data) requestViews();
}

async function switchBackend(name: BackendChoice): Promise<void> {
  const snap = session.snapshot();
  session.release();
  try {
    await activate(name);
    backend = name;
  } finally {
    if (snap) session.restore(snap);
  }
}

async function handle(req: Request): Promise<void> {
  switch (req.type) {
    case 'init': {
      const { backends, best } = await detect();
      const wanted = req.backend ?? best;
      try {
        await activate(wanted);
        backend = wanted;
      } catch (err) {
        post({ type: 'error', message: (err as Error).message });
        await activate('cpu');
        backend = 'cpu';
      }
      session.settings = { ...DEFAULT_SETTINGS, ...session.settings };
      post({ type: 'backends', backends, active: backend, best, catalog: catalog() });
      break;
    }
    case 'backend': {
      const wasRunning = running;
      await halt();
      await switchBackend(req.backend);
      const { backends, best } = await detect();
      post({ type: 'backends', backends, active: backend, best, catalog: catalog() });
      postStatus();
      if (wasRunning) {
        running = true;
        void loop();
      }
      break;
    }
    case 'data': {
      await halt();
      const d = session.setData(req.data);
      const heldOut = d.test.length / 2;
      post({ type: 'data', points: d.show.slice(), heldOut, range: d.range, label: d.label });
      await rebuild();
      break;
    }
    case 'settings': {
      const wasRunning = running;
      const change = session.update(req.settings);
      if (change === 'model') await rebuild();
      else {
        postStatus();
        if (wasRunning && !running) {
          running = true;
          void loop();
        }
      }
      break;
    }
    case 'start':
      if (!session.model) session.reset();
      if (!session.data) throw new Error('no data yet: pick a toy density, draw points or drop a CSV');
      running = true;
      postStatus();
      void loop();
      break;
    case 'pause':
      running = false;
      postStatus();
      break;
    case 'reset':
      await rebuild();
      break;
    case 'views':
      requestViews();
      break;
    case 'export': {
      if (!session.model) throw new Error('no model to export');
      const files = await encodeCheckpoint(session.model, session.iteration, {
        data: session.data?.label,
        source: 'odeflow playground',
        backend,
      });
      post(
        { type: 'exported', files },
        files.map((f) => f.data),
      );
      break;
    }
    case 'load': {
      await halt();
      const loaded = decodeCheckpoint(req.files);
      session.adopt(loaded);
      const settings = settingsOf(loaded.model.config() as Record<string, unknown>);
      session.settings = { ...session.settings, ...settings };
      post({ type: 'loaded', settings, iteration: loaded.iteration, label: String(loaded.meta.data ?? '') });
      postStatus();
      requestViews();
      break;
    }
    case 'memory':
      post({ type: 'memory', id: req.id, numTensors: tf.memory().numTensors });
      break;
    case 'logProb': {
      const values = session.logProb(req.points);
      post({ type: 'logProb', id: req.id, values }, [values.buffer]);
      break;
    }
  }
}

// messages are handled one after another, each to its end (a load waits for the loop to stop)
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e) => {
  queue = queue.then(() => handle(e.data).catch(fail));
};
