import { registerModel } from '../registry.js';
import { type GlowOptions, glow } from './glow.js';
import { type MafOptions, maf } from './maf.js';
import { type NiceOptions, nice } from './nice.js';
import { type NsfOptions, nsf } from './nsf.js';
import { type RealNVPOptions, realNVP } from './realnvp.js';
import { planar, type RmFlowOptions, radial } from './rm-flows.js';

/** Registers the discrete flow kinds (realnvp, nice, glow, planar, radial, maf, nsf) with the model registry. */
export function registerFlows(): void {
  registerModel('realnvp', (c) => realNVP(c as RealNVPOptions));
  registerModel('nice', (c) => nice(c as NiceOptions));
  registerModel('glow', (c) => glow(c as GlowOptions));
  registerModel('planar', (c) => planar(c as RmFlowOptions));
  registerModel('radial', (c) => radial(c as RmFlowOptions));
  registerModel('maf', (c) => maf(c as MafOptions));
  registerModel('nsf', (c) => nsf(c as NsfOptions));
}

registerFlows();
