import {
  type BackwardSettings,
  backwardSettingsProblem,
  isBackwardSettings,
} from '../../solvers/adjoint-options.js';
import {
  isSolverOptions,
  resolveOptions,
  type SolverOptions,
  solverOptionsProblem,
} from '../../solvers/options.js';
import type { ModelConfig } from '../model.js';
import { ConfigError } from '../validate.js';

/**
 * Reads a JSON configuration (a checkpoint's, the CLI's) into a kind's typed options, checking
 * every value as it goes — the model table's validation, with no casts. Unknown keys are
 * refused (listed with the known ones) once {@link done} is called.
 */
export class ConfigReader {
  private readonly seen = new Set<string>(['kind']);

  /**
   * A reader over `config`.
   *
   * @param config The configuration object.
   * @param where Where the config comes from, for messages (e.g. "model 'realnvp'").
   */
  constructor(
    private readonly config: Readonly<Record<string, unknown>>,
    /** Where the config comes from, for messages (e.g. "model 'realnvp'"). */
    private readonly where: string,
  ) {}

  private fail(key: string, value: unknown, expected: string): never {
    throw new ConfigError(this.where, key, value, expected);
  }

  private get(key: string): unknown {
    this.seen.add(key);
    return this.config[key];
  }

  /**
   * A finite number (optionally with bounds), or undefined when absent.
   *
   * @param key The config key.
   * @param check Extra condition on the value. Default: none.
   * @param expected The valid range in words, for the message. Default 'a finite number'.
   */
  num(
    key: string,
    check: (v: number) => boolean = () => true,
    expected = 'a finite number',
  ): number | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) this.fail(key, v, expected);
    return v;
  }

  /**
   * A whole number ≥ `min`, or undefined.
   *
   * @param key The config key.
   * @param min Smallest allowed value. Default 1.
   */
  int(key: string, min = 1): number | undefined {
    return this.num(key, (v) => Number.isInteger(v) && v >= min, `a whole number ≥ ${min}`);
  }

  /**
   * A boolean, or undefined.
   *
   * @param key The config key.
   */
  bool(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(key, v, 'true or false');
    return v;
  }

  /**
   * A string, or undefined.
   *
   * @param key The config key.
   */
  str(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(key, v, 'a string');
    return v;
  }

  /**
   * One of `choices`, or undefined.
   *
   * @param key The config key.
   * @param choices The allowed values.
   */
  oneOf<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    const hit = choices.find((c) => c === v);
    if (hit === undefined) this.fail(key, v, `one of ${choices.join(', ')}`);
    return hit;
  }

  /**
   * A list of whole numbers ≥ 1 (layer widths), or undefined.
   *
   * @param key The config key.
   */
  ints(key: string): number[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((h) => typeof h === 'number' && Number.isInteger(h) && h > 0)) {
      this.fail(key, v, 'a list of whole numbers ≥ 1');
    }
    return v.map((h) => Number(h));
  }

  /**
   * An image shape [H, W, C] of whole numbers ≥ 1, or undefined.
   *
   * @param key The config key.
   */
  shape3(key: string): [number, number, number] | undefined {
    const v = this.ints(key);
    if (v === undefined) return undefined;
    if (v.length !== 3) this.fail(key, v, '[H, W, C]');
    return [v[0], v[1], v[2]];
  }

  /**
   * A nested object read by its own reader, or undefined.
   *
   * @param key The config key.
   * @param read Reads the nested object from its own reader.
   */
  object<T>(key: string, read: (r: ConfigReader) => T): T | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, v, 'an object');
    const inner = new ConfigReader({ ...v }, `${this.where}, ${key}`);
    const out = read(inner);
    inner.done();
    return out;
  }

  /**
   * Solver settings (the solvers' {@link SolverOptions}), or undefined: checked in place (keys,
   * types, ranges) and returned as the same object — settings pass unchanged to the solve.
   *
   * @param key The config key.
   */
  solver(key: string): SolverOptions | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!isSolverOptions(v)) this.fail(key, v, `solver settings (${solverOptionsProblem(v)})`);
    try {
      resolveOptions(v);
    } catch (err) {
      this.fail(key, v, `solver settings (${err instanceof Error ? err.message : String(err)})`);
    }
    return v;
  }

  /**
   * The adjoint's backward solve settings at `key` (checked structurally; ranges are checked by
   * the model against its training solve), or undefined.
   *
   * @param key The config key.
   */
  backward(key: string): BackwardSettings | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!isBackwardSettings(v)) this.fail(key, v, `backward solve settings (${backwardSettingsProblem(v)})`);
    return v;
  }

  /**
   * Accepts `key` without reading it (a key every kind is given, such as the CLI's seed, that this kind does not use).
   *
   * @param key The config key.
   */
  ignore(key: string): void {
    this.seen.add(key);
  }

  /** Throws if the config has keys nothing read. */
  done(): void {
    const unknown = Object.keys(this.config).filter((k) => !this.seen.has(k) && this.config[k] !== undefined);
    if (unknown.length > 0) {
      this.fail(unknown[0], this.config[unknown[0]], `no such option; known: ${[...this.seen].join(', ')}`);
    }
  }
}

/**
 * A reader over a model config, named by its kind.
 *
 * @param config The model config.
 */
export function readerOf(config: ModelConfig): ConfigReader {
  return new ConfigReader(config, `model '${config.kind}'`);
}
