/**
 * `odeflow/node` as Node's ESM loader sees it: everything of `./node.js`, with the tfjs backend
 * chosen (see {@link ready}) while the import resolves, as for the main entry (`./index-node.ts`).
 */
import { ready } from './backend.js';

export * from './node.js';

await ready();
