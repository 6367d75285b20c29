// npm run build (also `prepare` and `prepack`): the package's dist/ folder.
//
//   dist/esm/*.js, dist/esm/chunks/   ES modules: one file per entry point, shared code in chunks
//                                     (one module instance whichever entries a program imports)
//   dist/cjs/odeflow.cjs              CommonJS: one bundle of the Node entry (a superset of the
//                                     main entry) that `require('odeflow')`, `require('odeflow/node')`
//                                     and tslab load, so CommonJS programs also get one instance
//   dist/types/**.d.ts                declarations (tsc --emitDeclarationOnly, tsconfig.build.json)
//   dist/bin/odeflow.js               the `odeflow` command (package.json "bin")
//
// Dependencies (tfjs, odex, plotly, seedrandom) are never bundled: they are the consumer's
// packages. What is bundled in, besides odeflow's own code, is tfjs-core's gradient registrations
// (solvers/generated/, see scripts/gradients.mjs), which tfjs-core ships only as ESM files that
// Node cannot load.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { buildGradients } from './gradients.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
process.chdir(root);
rmSync(dist, { recursive: true, force: true });
buildGradients();

const common = { bundle: true, packages: 'external', target: 'es2022', logLevel: 'warning', legalComments: 'none' };

// ES modules, per entry point; top-level await in the two Node entries (backend selection).
buildSync({
  ...common,
  entryPoints: {
    index: 'src/index.ts',
    'index-node': 'src/index-node.ts',
    node: 'src/node.ts',
    'node-ready': 'src/node-ready.ts',
    cli: 'src/cli.ts',
    solvers: 'solvers/index.ts',
    // the data-parallel workers' thread entry (src/train/worker-pool.ts finds it)
    'grad-worker': 'src/train/grad-worker.ts',
  },
  format: 'esm',
  platform: 'neutral',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outdir: join(dist, 'esm'),
});

// CommonJS: import.meta.url (createRequire, self-references) comes from __filename.
buildSync({
  ...common,
  entryPoints: ['src/node.ts'],
  format: 'cjs',
  platform: 'node',
  outfile: join(dist, 'cjs', 'odeflow.cjs'),
  define: { 'import.meta.url': '__odeflowImportMetaUrl' },
  banner: { js: 'const __odeflowImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// Declarations. The types folder is marked CommonJS so that `require` consumers (moduleResolution
// node16) can use them; ESM consumers import CommonJS declarations without restriction.
execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
writeFileSync(join(dist, 'types', 'package.json'), '{ "type": "commonjs" }\n');

// The command: a small ES module that runs the CLI.
mkdirSync(join(dist, 'bin'), { recursive: true });
writeFileSync(
  join(dist, 'bin', 'odeflow.js'),
  `#!/usr/bin/env node
// The odeflow command (package.json "bin"): train, sample, eval, report; --help, --version.
import { main } from '../esm/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(\`\${err?.stack ?? String(err)}\\n\`);
    process.exitCode = 1;
  },
);
`,
  { mode: 0o755 },
);

// The notebooks (and scripts in this repository) import 'odeflow' as a user does, through
// node_modules/odeflow: here a link to the repository itself, as `npm link` makes. (Node's
// self-reference alone would do for `require`, but tslab's compiler resolves types the old way.)
const self = join(root, 'node_modules', 'odeflow');
const linked = (() => {
  try {
    return lstatSync(self).isSymbolicLink() || existsSync(join(self, 'package.json'));
  } catch {
    return false;
  }
})();
if (existsSync(join(root, 'node_modules')) && !linked) symlinkSync('..', self, 'dir');

const count = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(join(dir, e.name)) : 1), 0);
console.log(`wrote dist/ (${count(dist)} files: ESM entries and chunks, CommonJS bundle, declarations, bin)`);
