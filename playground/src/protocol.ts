/** Messages between the page (main thread) and the training worker. Data only. */

/** Backend names the page can ask for. */
export type BackendChoice = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** What the worker found about one backend. */
export interface BackendInfo {
  name: BackendChoice;
  ok: boolean;
  /** Renderer / adapter, or why it is unavailable. */
  note: string;
}

/** Model choices of the page: the CNF, the three flow-matching objectives, discrete flows. */
export type ModelChoice = 'cnf' | 'cfm' | 'ot-cfm' | 'rectified' | 'realnvp' | 'glow' | 'maf' | 'nsf';

/** The page's model and training settings. */
export interface Settings {
  model: ModelChoice;
  /** ODE solver method (CNF training and evaluation; flow-matching evaluation). */
  method: string;
  /** rtol = atol of adaptive methods. */
  tol: number;
  /** Step size of fixed-step methods. */
  stepSize: number;
  hidden: number[];
  lr: number;
  batch: number;
  seed: number;
  /** Evaluate the held-out NLL every this many iterations. */
  evalEvery: number;
  /** Pause at this iteration (0: never). */
  stopAt: number;
  /** Heatmap cells per axis. */
  grid: number;
}

/** Where the data come from. */
export type DataSpec =
  | { kind: 'toy'; name: string }
  | { kind: 'points'; points: Float32Array; label: string }
  | { kind: 'csv'; text: string; label: string };

/** A file of a checkpoint. */
export interface FilePart {
  name: string;
  data: ArrayBuffer;
}

/** Page → worker. */
export type Request =
  | { type: 'init'; backend?: BackendChoice }
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'data'; data: DataSpec }
  | { type: 'settings'; settings: Settings }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'reset' }
  | { type: 'views' }
  | { type: 'export' }
  | { type: 'load'; files: FilePart[] }
  | { type: 'logProb'; id: number; points: Float32Array }
  | { type: 'memory'; id: number };

/** One point of the history. */
export interface HistoryPoint {
  iteration: number;
  loss: number;
  testNll?: number;
}

/** Training status. */
export interface Status {
  running: boolean;
  iteration: number;
  loss?: number;
  testNll?: number;
  /** Function evaluations of the last training step (forward solve). */
  nfe?: number;
  /** Training iterations per second (step time only, views excluded). */
  itsPerSec?: number;
  /** Seconds of the last held-out evaluation and of the last views update. */
  evalSeconds?: number;
  viewSeconds?: number;
  /** Model description. */
  model: string;
}

/** Arrays for the views. */
export interface Views {
  range: [number, number];
  /** Heatmap: log p at n × n cell centres, row j = one y value (bottom row first). */
  grid: number;
  logp: Float32Array;
  /** Model samples, interleaved x, y. */
  samples: Float32Array;
  /** Paths from noise to data: steps × n × 2. */
  paths: Float32Array;
  pathSteps: number;
  /** Seconds it took to compute these views. */
  seconds: number;
}

/** What the library in this build offers (names for the page's menus). */
export interface Catalog {
  toys: string[];
  discrete: string[];
  adaptive: string[];
  fixed: string[];
}

/** Worker → page. */
export type Reply =
  | {
      type: 'backends';
      backends: BackendInfo[];
      active: BackendChoice;
      best: BackendChoice;
      catalog: Catalog;
    }
  | { type: 'data'; points: Float32Array; heldOut: number; range: [number, number]; label: string }
  | { type: 'status'; status: Status; history: HistoryPoint[] }
  | { type: 'views'; views: Views }
  | { type: 'exported'; files: FilePart[] }
  | { type: 'loaded'; settings: Partial<Settings>; iteration: number; label: string }
  | { type: 'logProb'; id: number; values: Float32Array }
  | { type: 'memory'; id: number; numTensors: number }
  | { type: 'error'; message: string };
