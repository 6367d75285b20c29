import type { DensityModel, ModelConfig } from './model.js';

/** Rebuilds a model (with fresh variables) from its configuration. */
export type ModelFactory = (config: ModelConfig) => DensityModel;

const factories = new Map<string, ModelFactory>();

/** Makes a model kind loadable from checkpoints and selectable in the CLI. */
export function registerModel(kind: string, factory: ModelFactory): void {
  factories.set(kind, factory);
}

/** The registered kinds, sorted. */
export function registeredKinds(): string[] {
  return [...factories.keys()].sort();
}

/** Rebuilds a model from its configuration; throws naming the known kinds if `kind` is unknown. */
export function modelFromConfig(config: ModelConfig): DensityModel {
  const factory = factories.get(config.kind);
  if (!factory) {
    throw new Error(
      `unknown model kind '${config.kind}'; registered kinds: ${registeredKinds().join(', ') || '(none)'}`,
    );
  }
  return factory(config);
}
