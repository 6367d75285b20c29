/**
 * Vite config of the playground (`npm run playground`, `npm run build:playground`).
 *
 * The built site must work from file:// as well as from any static host. Chrome refuses module
 * scripts, workers and fetches from file:// pages, so: relative base; the page's script inlined
 * into index.html (an inline module script needs no fetch); the worker inlined as a classic
 * (iife) worker started from a blob: URL; the wasm binaries inlined as data: URLs.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Moves the entry chunk (and CSS) of the built page into index.html. */
function inlineIntoHtml(): Plugin {
  return {
    name: 'odeflow-inline-into-html',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((f) => f.type === 'asset' && f.fileName.endsWith('.html'));
      if (html?.type !== 'asset') return;
      let text = String(html.source);
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === 'chunk' && file.isEntry) {
          const tag = new RegExp(`<script type="module" crossorigin src="[^"]*${file.fileName}"></script>`);
          if (!tag.test(text)) throw new Error(`inline: no script tag for ${file.fileName} in index.html`);
          // '<' as \x3C where it could end or confuse the script element (same value in strings,
          // templates and regular expressions)
          const code = file.code.replace(/<(\/script|!--)/gi, '\\x3C$1');
          text = text.replace(tag, () => `<script type="module">${code}</script>`);
          delete bundle[name];
        } else if (file.type === 'asset' && file.fileName.endsWith('.css')) {
          const tag = new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${file.fileName}">`);
          if (!tag.test(text)) continue;
          text = text.replace(tag, () => `<style>${String(file.source)}</style>`);
          delete bundle[name];
        }
      }
      html.source = text;
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: './',
  worker: { format: 'iife' },
  build: {
    outDir: here('../dist-playground'),
    emptyOutDir: true,
    target: 'es2022',
    // everything inline: wasm as data: URLs (file:// pages cannot fetch files beside them)
    assetsInlineLimit: () => true,
    chunkSizeWarningLimit: 20_000,
    reportCompressedSize: false,
  },
  plugins: [inlineIntoHtml()],
  server: { port: 5173 },
});
