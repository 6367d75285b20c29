/**
 * The main entry as Node's ESM loader sees it: everything of `./index.js`, with the tfjs backend
 * chosen (see {@link ready}) while the import resolves, so synchronous code right after
 * `import … from 'odeflow'` already runs on wasm (or tfjs-node) rather than tfjs's cpu fallback.
 */
import { ready } from './backend.js';
import { useNodeTerminal } from './train/terminal.js';

export * from './index.js';

useNodeTerminal(); // Node's terminals get cli-progress's bar and picocolors' colours

await ready();
