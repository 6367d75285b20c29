// Bundles the library into dist/odeflow.cjs (CommonJS, dependencies left external) for
// consumers that cannot load TypeScript ESM sources: tslab notebooks and plain `require`.
import { buildSync } from 'esbuild';

buildSync({
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/odeflow.cjs',
  packages: 'external',
  sourcemap: true,
  // import.meta.url has no CommonJS equivalent; define it from __filename.
  define: { 'import.meta.url': '__odeflowImportMetaUrl' },
  banner: { js: 'const __odeflowImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
console.log('wrote dist/odeflow.cjs');
