/**
 * Property-based fuzzing (fast-check) of the two readers of untrusted files: the CSV parser and
 * the checkpoint loader. Whatever the input, each either returns a correct result or throws one
 * of odeflow's typed errors naming the file — never another exception, never a leaked tensor.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  ConfigError,
  DataError,
  FileError,
  loadCheckpoint,
  MAX_ABS_VALUE,
  nice,
  parseCsv,
  saveCheckpoint,
  tf,
} from '../../src/node.js';

// -0 is written "0" by String(): normalise it so the round trip compares equal
const finiteCell = fc
  .double({ min: -MAX_ABS_VALUE, max: MAX_ABS_VALUE, noNaN: true, noDefaultInfinity: true })
  .map((v) => v + 0);

describe('fuzz: parseCsv', () => {
  it('reads back any finite table written with any separator, quoting, padding and line ending', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((dim) =>
          fc.tuple(
            fc.constant(dim),
            fc.array(fc.array(finiteCell, { minLength: dim, maxLength: dim }), {
              minLength: 1,
              maxLength: 20,
            }),
            fc.constantFrom(',', ';', '\t', ', '),
            fc.constantFrom('\n', '\r\n'),
            fc.boolean(),
          ),
        ),
        fc.infiniteStream(fc.nat()),
        ([dim, rows, sep, eol, header], picks) => {
          const it = picks[Symbol.iterator]();
          // the ways people write numbers: plain, exponent, quoted, padded, 17 digits
          const forms = (v: number) => {
            const all = [String(v), v.toExponential(), `"${v}"`, ` ${v} `, v.toPrecision(17)];
            return all[(it.next().value as number) % all.length];
          };
          const head = header ? `${Array.from({ length: dim }, (_, i) => `c${i}`).join(sep)}${eol}` : '';
          const text = head + rows.map((r) => r.map(forms).join(sep)).join(eol) + eol;
          const before = tf.memory().numTensors;
          const t = parseCsv(text, dim, 'fuzz.csv');
          const got = Array.from(t.dataSync());
          t.dispose();
          expect(tf.memory().numTensors).toBe(before);
          expect(got).toEqual(Array.from(Float32Array.from(rows.flat())));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any text: a correct table or a DataError naming the source — nothing else, no leak', () => {
    const piece = fc.oneof(
      finiteCell.map(String),
      fc.constantFrom(
        'NaN',
        'Infinity',
        '0x10',
        '1e999',
        '',
        '"',
        '#',
        ' ',
        '\t',
        ',',
        ';',
        '\n',
        '\r',
        '1e5e5',
        '--1',
      ),
    );
    const junk = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc
        .tuple(fc.array(piece, { maxLength: 40 }), fc.constantFrom(',', '\n', ' ', ''))
        .map(([cells, sep]) => cells.join(sep)),
    );
    fc.assert(
      fc.property(junk, fc.integer({ min: 1, max: 4 }), (text, dim) => {
        const before = tf.memory().numTensors;
        try {
          const t = parseCsv(text, dim, 'junk.csv');
          const v = t.dataSync();
          expect(t.shape[1]).toBe(dim);
          for (const x of v) expect(Math.abs(x)).toBeLessThanOrEqual(MAX_ABS_VALUE * (1 + 1e-7));
          t.dispose();
        } catch (err) {
          if (!(err instanceof DataError)) throw err;
          expect(err.message.startsWith('junk.csv: ')).toBe(true);
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 500 },
    );
  });
});

describe('fuzz: loadCheckpoint', () => {
  let good: string;
  let json: Record<string, unknown>;
  beforeAll(async () => {
    good = mkdtempSync(join(tmpdir(), 'odeflow-fuzz-ck-'));
    const m = nice({ layers: 2, hidden: [4] });
    await saveCheckpoint(good, m, { iteration: 3, meta: { data: '8gaussians' } });
    m.dispose();
    json = JSON.parse(readFileSync(join(good, 'checkpoint.json'), 'utf8'));
  });
  afterAll(() => rmSync(good, { recursive: true, force: true }));

  /** Every JSON path (as a key list) of a value. */
  const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] => {
    if (v === null || typeof v !== 'object') return [at];
    const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    return [at, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...at, k]))];
  };
  const setAt = (root: unknown, path: (string | number)[], value: unknown): unknown => {
    if (path.length === 0) return value;
    const copy = structuredClone(root) as Record<string | number, unknown>;
    let o = copy;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
    o[path[path.length - 1]] = value;
    return copy;
  };
  const hostile = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      -1,
      0,
      1e9,
      1e308,
      -1e308,
      0.5,
      '',
      '../../etc/passwd',
      '/etc/passwd',
      'weights.bin',
      [],
      {},
      null,
      [1e9, 1e9],
      'float64',
      'string',
      true,
    ),
  );

  it('a JSON value anywhere in checkpoint.json: a loaded model or a typed error, no leak', async () => {
    const allPaths = paths(json);
    const seen = { loaded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...allPaths), hostile, async (path, value) => {
        const dir = mkdtempSync(join(tmpdir(), 'odeflow-fuzz-'));
        try {
          cpSync(good, dir, { recursive: true });
          writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(setAt(json, path, value)));
          const before = tf.memory().numTensors;
          try {
            const ck = await loadCheckpoint(dir);
            for (const p of ck.model.params)
              for (const v of p.dataSync()) expect(Number.isFinite(v)).toBe(true);
            (ck.model as unknown as { dispose(): void }).dispose();
            tf.dispose(ck.optimizer?.map((o) => o.tensor) ?? []);
            seen.loaded++;
          } catch (err) {
            seen.refused++;
            const typed =
              err instanceof CheckpointError || err instanceof FileError || err instanceof ConfigError;
            if (!typed)
              throw new Error(`untyped error for ${JSON.stringify(path)} = ${JSON.stringify(value)}: ${err}`);
            expect((err as Error).message).toContain(dir);
          }
          expect(tf.memory().numTensors).toBe(before);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
    // both outcomes occur: the property is not vacuous
    expect(seen.loaded).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(10);
  });

  it('truncated or corrupted files: a typed error naming the file, or finite weights, no leak', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('checkpoint.json', 'weights'),
        fc.nat(),
        fc.uint8Array({ minLength: 0, maxLength: 8 }),
        async (which, cut, patch) => {
          const dir = mkdtempSync(join(tmpdir(), 'odeflow-fuzz-'));
          try {
            cpSync(good, dir, { recursive: true });
            const name =
              which === 'weights'
                ? (readdirSync(dir).find((n) => n.startsWith('weights-')) as string)
                : 'checkpoint.json';
            const bytes = readFileSync(join(dir, name));
            const at = cut % (bytes.length + 1);
            const next = Buffer.concat([
              bytes.subarray(0, at),
              Buffer.from(patch),
              bytes.subarray(at + patch.length * (cut % 2)),
            ]);
            writeFileSync(join(dir, name), next);
            const before = tf.memory().numTensors;
            try {
              const ck = await loadCheckpoint(dir);
              for (const p of ck.model.params)
                for (const v of p.dataSync()) expect(Number.isFinite(v)).toBe(true);
              (ck.model as unknown as { dispose(): void }).dispose();
              tf.dispose(ck.optimizer?.map((o) => o.tensor) ?? []);
            } catch (err) {
              const typed = err instanceof CheckpointError || err instanceof FileError;
              if (!typed) throw new Error(`untyped error after editing ${name} at ${at}: ${err}`);
              expect((err as Error).message).toContain(dir);
            }
            expect(tf.memory().numTensors).toBe(before);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
