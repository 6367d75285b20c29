/** The chain lives in src/core (the CNF block composes with discrete layers); re-exported here for the flows' own imports. */
export { Chain, chain, Invert, invert } from '../../core/chain.js';
