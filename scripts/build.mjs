// npm run build (also `prepare` and `prepack`): the package's dist/ folder.
//
//   dist/esm/{src,solvers}/**.js     ES modules, one per source file (esbuild, no bundling), and
//   dist/esm/**.d.ts                 declarations (tsc --emitDeclarationOnly, tsconfig.build.json)
//   dist/cjs/...                     the same as CommonJS (dist/cjs/package.json says so), with
//                                    the same declarations, for `require` and tslab
//   dist/*/solvers/generated/        tfjs-core's gradient registrations, bundled (scripts/gradients.mjs)
//   dist/*/data/digits.csv.gz        the data file loadDigits reads
//   dist/bin/odeflow.js              the `odeflow` command (bin)
//
// Like @tensorflow/tfjs-core's own package: ESM files per module for bundlers, a CommonJS build
// for Node's require, declarations beside them; dependencies are never bundled.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { buildGradients } from './gradients.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
process.chdir(root);

/** Every file under `dir` (relative to the root) whose name passes `keep`. */
function walk(dir, keep) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'generated') out.push(...walk(path, keep));
    } else if (keep(name)) out.push(relative(root, path));
  }
  return out;
}

rmSync(dist, { recursive: true, force: true });
const sources = [...walk('src', (n) => n.endsWith('.ts') && !n.endsWith('.d.ts')), ...walk('solvers', (n) => n.endsWith('.ts') && !n.endsWith('.d.ts'))];
const common = { bundle: false, platform: 'neutral', target: 'es2022', outbase: '.', logLevel: 'warning' };

// ES modules.
buildSync({ ...common, entryPoints: sources, format: 'esm', outdir: join(dist, 'esm') });

// CommonJS: no top-level await (the Node ESM entry src/index-node.ts is ESM only); files that use
// import.meta.url get it from __filename.
const cjsSources = sources.filter((f) => f !== join('src', 'index-node.ts'));
const usesMeta = (f) => readFileSync(f, 'utf8').includes('import.meta');
const cjs = { ...common, format: 'cjs', outdir: join(dist, 'cjs') };
buildSync({ ...cjs, entryPoints: cjsSources.filter((f) => !usesMeta(f)) });
buildSync({
  ...cjs,
  entryPoints: cjsSources.filter(usesMeta),
  define: { 'import.meta.url': '__odeflowImportMetaUrl' },
  banner: { js: 'const __odeflowImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});
writeFileSync(join(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');

// Gradient registrations and data, in both trees.
const [gradEsm, gradCjs] = buildGradients(join(root, 'solvers', 'generated'));
for (const [tree, file] of [['esm', gradEsm], ['cjs', gradCjs]]) {
  mkdirSync(join(dist, tree, 'solvers', 'generated'), { recursive: true });
  copyFileSync(file, join(dist, tree, 'solvers', 'generated', 'tfjs-gradients.js'));
  mkdirSync(join(dist, tree, 'data'), { recursive: true });
  copyFileSync(join('data', 'digits.csv.gz'), join(dist, tree, 'data', 'digits.csv.gz'));
}

// Declarations, then the same files beside the CommonJS build (there they read as CommonJS types).
execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
for (const file of walk(join('dist', 'esm'), (n) => n.endsWith('.d.ts'))) {
  const target = join(dist, 'cjs', relative(join('dist', 'esm'), file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}

// The command: a small ES module that runs the CLI.
mkdirSync(join(dist, 'bin'), { recursive: true });
writeFileSync(
  join(dist, 'bin', 'odeflow.js'),
  `#!/usr/bin/env node
// The odeflow command (package.json "bin"): train, sample, eval, report; --help, --version.
import { main } from '../esm/src/cli.js';

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
console.log(`wrote dist/ (${sources.length} modules, ESM + CommonJS + declarations) and dist/bin/odeflow.js`);
