import { buildSync } from 'esbuild';

/**
 * Bundles a page script for the browser (IIFE, everything inlined). esbuild fails on any `node:`
 * import that reaches it, so a successful bundle is also a check that the path is browser-clean.
 */
export function bundleForBrowser(entry: string, outfile: string): void {
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outfile,
    logLevel: 'error',
  });
}
