/**
 * The page: controls, the four views and the worker that trains. No tfjs here; the worker
 * sends numbers and arrays. `window.playground` gives tests (and the curious) a handle.
 */
import { Brush } from './draw.js';
import type {
  BackendChoice,
  DataSpec,
  FilePart,
  HistoryPoint,
  ModelChoice,
  Reply,
  Request,
  Settings,
  Status,
  Views,
} from './protocol.js';
import { FlowAnimation } from './views/flow-anim.js';
import { drawPoints, Frame } from './views/frame.js';
import { drawHeatmap } from './views/heatmap.js';
import { LossPlot } from './views/loss-plot.js';
import TrainWorker from './worker.ts?worker&inline';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};
const input = (id: string): HTMLInputElement => $<HTMLInputElement>(id);
const select = (id: string): HTMLSelectElement => $<HTMLSelectElement>(id);

const DISCRETE_LABELS: Record<string, string> = {
  realnvp: 'RealNVP (affine coupling)',
  glow: 'Glow (ActNorm, LU, coupling)',
  maf: 'MAF (masked autoregressive)',
  nsf: 'neural spline flow',
};
/** Learning rate and batch each model starts with (the library's defaults where it has them). */
const MODEL_DEFAULTS: Record<string, { lr: number; batch: number }> = {
  cnf: { lr: 3e-3, batch: 256 },
  cfm: { lr: 3e-3, batch: 128 },
  'ot-cfm': { lr: 3e-3, batch: 128 },
  rectified: { lr: 3e-3, batch: 128 },
  realnvp: { lr: 1e-3, batch: 256 },
  glow: { lr: 1e-3, batch: 256 },
  maf: { lr: 1e-3, batch: 256 },
  nsf: { lr: 1e-3, batch: 256 },
};

const worker = new TrainWorker();
const send = (req: Request, transfer: Transferable[] = []): void => worker.postMessage(req, transfer);

const dataFrame = new Frame($<HTMLCanvasElement>('data-canvas'), [-4, 4]);
const flowFrame = new Frame($<HTMLCanvasElement>('flow'), [-4, 4]);
const flow = new FlowAnimation(flowFrame);
const lossPlot = new LossPlot($('loss-plot'));

let dataPoints = new Float32Array(0);
let samples = new Float32Array(0);
let status: Status | undefined;
let history: HistoryPoint[] = [];
let viewsCount = 0;
let ready = false;
const errors: string[] = [];
let pendingExport: ((files: FilePart[]) => void) | undefined;
const pendingLogProb = new Map<number, (v: Float32Array) => void>();
const pendingMemory = new Map<number, (n: number) => void>();
let nextId = 1;

function dataMode(): 'toy' | 'draw' | 'csv' {
  return (document.querySelector('input[name="data-mode"]:checked') as HTMLInputElement).value as
    | 'toy'
    | 'draw'
    | 'csv';
}

const brush = new Brush(
  dataFrame,
  () => dataMode() === 'draw',
  () => redrawData(),
  () => sendDrawn(),
);

function redrawData(): void {
  const c = dataFrame.canvas;
  const ctx = c.getContext('2d')!;
  ctx.clearRect(0, 0, c.width, c.height);
  const shown = dataMode() === 'draw' ? Float32Array.from(brush.points) : dataPoints;
  drawPoints(ctx, dataFrame, shown, 'rgba(90,90,90,0.55)', 2);
  if (dataMode() !== 'draw' || brush.points.length > 0)
    drawPoints(ctx, dataFrame, samples, 'rgba(230,120,20,0.6)', 2);
}

function message(text: string): void {
  $('message').textContent = text;
}

function sendDrawn(): void {
  const n = brush.points.length / 2;
  $('data-info').textContent = `${n} drawn points`;
  if (n >= 20)
    send({ type: 'data', data: { kind: 'points', points: Float32Array.from(brush.points), label: 'drawn' } });
}

function settings(): Settings {
  const hidden = input('hidden')
    .value.split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (hidden.length === 0 || !hidden.every((h) => Number.isInteger(h) && h > 0 && h <= 1024)) {
    throw new Error(
      `hidden sizes '${input('hidden').value}': expected positive integers up to 1024, e.g. 64,64,64`,
    );
  }
  const num = (id: string, lo: number, what: string): number => {
    const v = Number(input(id).value);
    if (!Number.isFinite(v) || v < lo)
      throw new Error(`${what} = ${input(id).value}: expected a number ≥ ${lo}`);
    return v;
  };
  return {
    model: select('model').value as ModelChoice,
    method: select('method').value,
    tol: num('tol', 1e-12, 'tolerance'),
    stepSize: num('step', 1e-6, 'step size'),
    hidden,
    lr: num('lr', 1e-9, 'learning rate'),
    batch: Math.round(num('batch', 1, 'batch size')),
    seed: 0,
    evalEvery: Math.round(num('eval-every', 0, 'evaluation interval')),
    stopAt: Math.round(num('stop-at', 0, 'pause iteration')),
    grid: 64,
  };
}

function sendSettings(): void {
  try {
    send({ type: 'settings', settings: settings() });
    message('');
  } catch (err) {
    message((err as Error).message);
  }
}

function sendData(): void {
  const mode = dataMode();
  if (mode === 'toy') send({ type: 'data', data: { kind: 'toy', name: select('toy').value } });
  else if (mode === 'draw') sendDrawn();
  redrawData();
}

function fmt(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

function showStatus(s: Status): void {
  $('iteration').textContent = String(s.iteration);
  $('its').textContent = fmt(s.itsPerSec, 1);
  $('loss').textContent = fmt(s.loss);
  $('nll').textContent = fmt(s.testNll);
  $('nfe').textContent = s.nfe === undefined ? '–' : String(s.nfe);
  $('model-info').textContent = s.model;
  $('timing').textContent = `held-out NLL ${fmt(s.evalSeconds, 2)} s, views ${fmt(s.viewSeconds, 2)} s`;
  $<HTMLButtonElement>('start').disabled = s.running;
  $<HTMLButtonElement>('pause').disabled = !s.running;
}

function showViews(v: Views): void {
  dataFrame.range = v.range;
  flowFrame.range = v.range;
  samples = v.samples;
  drawHeatmap($<HTMLCanvasElement>('heatmap'), v.logp, v.grid);
  flow.set(v.paths, v.pathSteps);
  redrawData();
  viewsCount++;
}

function updateSolverInputs(): void {
  const fixed = select('method').selectedOptions[0]?.dataset.fixed === '1';
  $('tol-label').style.display = fixed ? 'none' : '';
  $('step-label').style.display = fixed ? '' : 'none';
}

function download(file: FilePart): void {
  const url = URL.createObjectURL(new Blob([file.data]));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function readFiles(list: FileList | readonly File[]): Promise<FilePart[]> {
  return Promise.all(Array.from(list).map(async (f) => ({ name: f.name, data: await f.arrayBuffer() })));
}

async function loadCsv(file: File): Promise<void> {
  (document.querySelector('input[name="data-mode"][value="csv"]') as HTMLInputElement).checked = true;
  const text = await file.text();
  const spec: DataSpec = { kind: 'csv', text, label: file.name };
  send({ type: 'data', data: spec });
}

worker.onmessage = (e: MessageEvent<Reply>) => {
  const r = e.data;
  switch (r.type) {
    case 'backends': {
      const sel = select('backend');
      sel.replaceChildren(
        ...r.backends.map((b) => {
          const o = new Option(
            `${b.name}${b.name === r.best ? ' (best here)' : ''}${b.ok ? '' : ' (unavailable)'}`,
            b.name,
          );
          o.disabled = !b.ok;
          return o;
        }),
      );
      sel.value = r.active;
      $('backend-active').textContent = r.active;
      $('backend-info').textContent = r.backends.map((b) => `${b.name}: ${b.note}`).join('; ');
      if (!ready) {
        const toy = select('toy');
        toy.replaceChildren(...r.catalog.toys.map((t) => new Option(t, t)));
        toy.value = '8gaussians';
        const model = select('model');
        for (const k of r.catalog.discrete) model.append(new Option(DISCRETE_LABELS[k] ?? k, k));
        const method = select('method');
        for (const m of r.catalog.adaptive) method.append(new Option(`${m} (adaptive)`, m));
        for (const m of r.catalog.fixed) {
          const o = new Option(`${m} (fixed step)`, m);
          o.dataset.fixed = '1';
          method.append(o);
        }
        method.value = 'dopri5';
        updateSolverInputs();
        sendSettings();
        sendData();
        ready = true;
      }
      break;
    }
    case 'data':
      dataPoints = r.points;
      dataFrame.range = r.range;
      flowFrame.range = r.range;
      $('data-info').textContent = `${r.label}: ${r.points.length / 2} points shown, ${r.heldOut} held out`;
      redrawData();
      break;
    case 'status':
      status = r.status;
      history = r.history;
      showStatus(r.status);
      lossPlot.update(r.history);
      break;
    case 'views':
      showViews(r.views);
      break;
    case 'exported':
      if (pendingExport) pendingExport(r.files);
      else for (const f of r.files) download(f);
      pendingExport = undefined;
      break;
    case 'loaded': {
      const s = r.settings;
      if (s.model) select('model').value = s.model;
      if (s.hidden) input('hidden').value = s.hidden.join(',');
      if (s.method) select('method').value = s.method;
      if (s.tol !== undefined) input('tol').value = String(s.tol);
      if (s.stepSize !== undefined) input('step').value = String(s.stepSize);
      updateSolverInputs();
      message('');
      $('data-info').textContent +=
        ` · loaded a checkpoint at iteration ${r.iteration}${r.label ? ` (trained on ${r.label})` : ''}`;
      break;
    }
    case 'logProb':
      pendingLogProb.get(r.id)?.(r.values);
      pendingLogProb.delete(r.id);
      break;
    case 'memory':
      pendingMemory.get(r.id)?.(r.numTensors);
      pendingMemory.delete(r.id);
      break;
    case 'error':
      errors.push(r.message);
      message(r.message);
      break;
  }
};
worker.onerror = (e) => {
  errors.push(e.message);
  message(`worker: ${e.message}`);
};

document.querySelectorAll('input[name="data-mode"]').forEach((el) => {
  el.addEventListener('change', sendData);
});
select('toy').addEventListener('change', () => {
  (document.querySelector('input[name="data-mode"][value="toy"]') as HTMLInputElement).checked = true;
  sendData();
});
select('model').addEventListener('change', () => {
  const d = MODEL_DEFAULTS[select('model').value];
  if (d) {
    input('lr').value = String(d.lr);
    input('batch').value = String(d.batch);
  }
  sendSettings();
});
select('method').addEventListener('change', () => {
  updateSolverInputs();
  sendSettings();
});
for (const id of ['hidden', 'tol', 'step', 'lr', 'batch', 'eval-every', 'stop-at'])
  input(id).addEventListener('change', sendSettings);
select('backend').addEventListener('change', () =>
  send({ type: 'backend', backend: select('backend').value as BackendChoice }),
);
input('brush').addEventListener('input', () => {
  brush.radius = Number(input('brush').value);
});
input('erase').addEventListener('change', () => {
  brush.erase = input('erase').checked;
});
$('clear').addEventListener('click', () => brush.clear());
$('start').addEventListener('click', () => send({ type: 'start' }));
$('pause').addEventListener('click', () => send({ type: 'pause' }));
$('reset').addEventListener('click', () => send({ type: 'reset' }));
$('export').addEventListener('click', () => send({ type: 'export' }));
input('load').addEventListener('change', async () => {
  const files = input('load').files;
  if (!files || files.length === 0) return;
  const parts = await readFiles(files);
  send(
    { type: 'load', files: parts },
    parts.map((p) => p.data),
  );
  input('load').value = '';
});
input('csv').addEventListener('change', () => {
  const f = input('csv').files?.[0];
  if (f) void loadCsv(f);
});
document.addEventListener('dragover', (e) => {
  e.preventDefault();
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
document.addEventListener('drop', (e) => {
  e.preventDefault();
  document.body.classList.remove('dragging');
  const files = Array.from(e.dataTransfer?.files ?? []);
  if (files.length === 0) return;
  if (files.some((f) => f.name === 'checkpoint.json')) {
    void readFiles(files).then((parts) =>
      send(
        { type: 'load', files: parts },
        parts.map((p) => p.data),
      ),
    );
  } else void loadCsv(files[0]);
});

const params = new URLSearchParams(location.search);
send({ type: 'init', backend: (params.get('backend') as BackendChoice | null) ?? undefined });

/** The page's handle for tests: state, and direct calls into the worker. */
const api = {
  state: () => ({ ready, status, history, viewsCount, errors: [...errors], drawn: brush.points.length / 2 }),
  logProb: (points: number[]): Promise<number[]> =>
    new Promise((resolve) => {
      const id = nextId++;
      pendingLogProb.set(id, (v) => resolve([...v]));
      send({ type: 'logProb', id, points: Float32Array.from(points) });
    }),
  /** tf.memory().numTensors in the worker. */
  numTensors: (): Promise<number> =>
    new Promise((resolve) => {
      const id = nextId++;
      pendingMemory.set(id, resolve);
      send({ type: 'memory', id });
    }),
  exportFiles: (): Promise<{ name: string; bytes: number[] }[]> =>
    new Promise((resolve) => {
      pendingExport = (files) =>
        resolve(files.map((f) => ({ name: f.name, bytes: [...new Uint8Array(f.data)] })));
      send({ type: 'export' });
    }),
};
(window as unknown as { playground: typeof api }).playground = api;
