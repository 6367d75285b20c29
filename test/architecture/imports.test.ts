/**
 * The layout's rules, read from the source: no import cycle, no import of a string at run time
 * (`import(...)`), no `as unknown as`, imports only down the layer list (with the one named
 * exception), and src/plot independent of src/train.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = [...files(join(root, 'solvers')), ...files(join(root, 'src'))];
const rel = (p: string) => relative(root, p);

/** Relative imports of a file (type-only ones included: they still tie the modules together). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  // runtime imports only: `import type` ties no modules together when the code runs
  for (const m of text.matchAll(/^(?:import|export) (?!type )[^;]*?from '(\.[^']+)'/gms)) {
    out.push(rel(resolve(dirname(file), m[1].replace(/\.js$/, '.ts'))));
  }
  return out;
}

const graph = new Map(sources.map((f) => [rel(f), imports(f)]));

/** Layer of a file: its position in the list; imports may only go to the same or an earlier layer. */
const LAYERS = [
  'solvers/',
  'src/wasm/',
  'src/backend/',
  'src/backend.ts',
  'src/version.ts',
  'src/validate.ts',
  'src/files.ts',
  'src/atomic.ts',
  'src/model.ts',
  'src/core/',
  'src/data/',
  'src/nn/',
  'src/config-bounds.ts',
  'src/latent/',
  'src/cnf/',
  'src/flows/',
  'src/flowmatch/',
  'src/metrics/',
  'src/train/',
  'src/vi/',
  'src/vae/',
  'src/plot/',
  'src/cli/',
  'src/cli.ts',
  'src/index.ts',
  'src/node.ts',
  'src/node-ready.ts',
  'src/index-node.ts',
];
function layer(file: string): number {
  const i = LAYERS.findIndex((l) => (l.endsWith('/') ? file.startsWith(l) : file === l));
  if (i < 0) throw new Error(`${file} is in no layer of the list`);
  return i;
}
/**
 * The one import() of a string outside the backends: the text of the data: URL module that boots a
 * worker thread from the TypeScript sources (under tsx or vitest only; the build has a .js entry),
 * which must register tsx's loader before it loads grad-worker.ts (src/train/worker-pool.ts).
 */
const IMPORT_ALLOWED = new Set(['src/train/worker-pool.ts']);
/** Flow matching is a way of training: its trainer calls the training loop. */
const EXCEPTIONS = new Set(['src/flowmatch/train.ts -> src/train/train.ts']);

describe('layout', () => {
  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('imports only down the layer list (one named exception)', () => {
    const up: string[] = [];
    for (const [f, deps] of graph) {
      for (const d of deps) {
        if (layer(d) > layer(f) && !EXCEPTIONS.has(`${f} -> ${d}`)) up.push(`${f} -> ${d}`);
      }
    }
    expect(up).toEqual([]);
  });

  it('src/plot does not import src/train', () => {
    const bad = [...graph].filter(
      ([f, deps]) => f.startsWith('src/plot/') && deps.some((d) => d.startsWith('src/train/')),
    );
    expect(bad.map(([f]) => f)).toEqual([]);
  });

  it('has no import() of strings (but the optional backends) and no `as unknown as`', () => {
    // a type-position import('…').Name is not a load; src/backend.ts detects optional peer backends
    const load = /\bimport\((?!'[^']+'\)\.)/;
    const bad = sources.filter((f) => {
      const text = readFileSync(f, 'utf8');
      const backend = rel(f) === 'src/backend.ts' || rel(f).startsWith('src/backend/');
      const allowed = backend || IMPORT_ALLOWED.has(rel(f));
      return /as unknown as/.test(text) || (!allowed && load.test(text));
    });
    expect(bad.map(rel)).toEqual([]);
  });
});
