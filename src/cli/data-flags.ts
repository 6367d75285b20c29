/** The data a command works on, from `--data` or from a checkpoint's meta, and the check that a model fits it. */
import { relative, resolve } from 'node:path';
import type { DensityModel } from '../model.js';
import { imageInfo } from '../train/evaluate.js';
import { type DataSource, dataNames, dataSource, isDataName } from './data.js';
import { rowProgress } from './streaming.js';
import { type CliIO, UsageError } from './usage.js';

/**
 * The data source a `--data` value names (toy name, 'digits' or a .csv file); a progress line
 * on standard error while a large CSV is read when `io` is given.
 *
 * @param name The `--data` value.
 * @param io Where the reading progress goes (optional).
 */
export async function dataName(name: string, io?: CliIO): Promise<DataSource> {
  if (!isDataName(name))
    throw new UsageError(
      `unknown data set '${name}'; expected one of ${dataNames.join(', ')}, or a .csv file`,
    );
  return dataSource(name, io ? rowProgress(io.stderr, `reading ${name}`, undefined, 1_000_000) : undefined);
}

/**
 * The data set a checkpoint names (meta.data): a toy name or 'digits', or a CSV file only when
 * it lies inside the checkpoint's folder — a checkpoint reads nothing outside it; a CSV elsewhere
 * must be given on the command line (`given`).
 *
 * @param dir The checkpoint's folder.
 * @param named The data name in the checkpoint's meta.
 * @param given The data flag's value, which wins when present.
 * @param flag The flag's name, for the error text.
 */
export async function checkpointData(
  dir: string,
  named: unknown,
  given: string | undefined,
  flag: string,
): Promise<DataSource> {
  if (given !== undefined) return dataName(given);
  const name = String(named ?? '8gaussians');
  if (name.endsWith('.csv')) {
    const rel = relative(resolve(dir), resolve(name));
    if (rel.startsWith('..') || resolve(rel) === rel) {
      throw new UsageError(
        `the checkpoint in ${dir} was trained on '${name}', outside its folder; a checkpoint reads only ` +
          `inside its own folder, so pass ${flag} ${name} to use that file`,
      );
    }
  }
  return dataName(name);
}

/**
 * Refuses a model whose shape does not fit the data (a vector model on images, another width).
 *
 * @param model The model.
 * @param data The data it is to be used on.
 * @param what The flag or source the model came from, for the error text.
 */
export function checkFits(model: DensityModel, data: DataSource, what: string): void {
  const kind = model.config().kind;
  const image = imageInfo(model);
  if (data.image && !image) {
    throw new UsageError(
      `${what}: '${kind}' does not build an image model, which --data ${data.name} needs ` +
        `(imageShape [${data.image.shape.join(', ')}]); use --model realnvp, glow or nsf`,
    );
  }
  if (model.dim !== data.dim || (image && data.image && image.shape.join() !== data.image.shape.join())) {
    throw new UsageError(
      `${what}: the '${kind}' model has dimension ${model.dim}${image ? ` (images [${image.shape.join(', ')}])` : ''}` +
        `, but --data ${data.name} has dimension ${data.dim}`,
    );
  }
}
