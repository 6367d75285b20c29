// Builds notebooks/*.ipynb (without outputs) from their sources notebooks/src/*.ts, written in the
// "percent" format: a line `// %% [markdown]` starts a markdown cell (its lines start with `// `),
// a line `// %%` starts a code cell.
//
//   node scripts/notebooks.mjs          write the .ipynb files
//   node scripts/notebooks.mjs --check  exit 1 if any .ipynb differs from its source
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const SRC = 'notebooks/src';
const OUT = 'notebooks';

/** Splits a percent-format source into cells. */
export function parseCells(text) {
  const cells = [];
  let cur;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const m = /^\/\/ %%( \[markdown\])?\s*$/.exec(line);
    if (m) {
      cur = { type: m[1] ? 'markdown' : 'code', lines: [] };
      cells.push(cur);
    } else if (cur) {
      cur.lines.push(cur.type === 'markdown' ? line.replace(/^\/\/ ?/, '') : line);
    } else if (line.trim() !== '') {
      throw new Error(`text before the first cell marker: '${line}'`);
    }
  }
  return cells.map((c) => {
    while (c.lines.length && c.lines.at(-1).trim() === '') c.lines.pop();
    while (c.lines.length && c.lines[0].trim() === '') c.lines.shift();
    return c;
  });
}

/** The notebook JSON (nbformat 4.4, tslab kernel, no outputs). */
export function toNotebook(cells) {
  const source = (lines) => lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
  const nb = {
    cells: cells.map((c) =>
      c.type === 'markdown'
        ? { cell_type: 'markdown', metadata: {}, source: source(c.lines) }
        : { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: source(c.lines) },
    ),
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: {
        codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
        file_extension: '.ts',
        mimetype: 'text/typescript',
        name: 'typescript',
        version: '5.0',
      },
    },
    nbformat: 4,
    nbformat_minor: 4,
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const file of readdirSync(SRC).filter((f) => f.endsWith('.ts')).sort()) {
  const out = join(OUT, `${basename(file, '.ts')}.ipynb`);
  const json = toNotebook(parseCells(readFileSync(join(SRC, file), 'utf8')));
  if (check) {
    let old = '';
    try {
      old = readFileSync(out, 'utf8');
    } catch {}
    if (old !== json) {
      console.error(`${out} is out of date: run node scripts/notebooks.mjs`);
      stale++;
    }
  } else {
    writeFileSync(out, json);
    console.log(`wrote ${out}`);
  }
}
if (stale) process.exit(1);
