import { createRequire } from 'node:module';

/** odeflow's version, read from its package.json (a self-reference through the package's exports). */
export const VERSION: string = (createRequire(import.meta.url)('odeflow/package.json') as { version: string })
  .version;
