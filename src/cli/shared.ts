/** What several subcommands share: data-set lookup, the model/data fit check, the report writer. */
import { join } from 'node:path';
import type { IterationRecord } from '../metrics/history.js';
import { imageInfo } from '../metrics/image-info.js';
import type { DensityModel } from '../model.js';
import { writeHtml } from '../plot/html.js';
import { buildReport } from '../plot/report.js';
import { UsageError } from './args.js';
import { type DataSource, dataNames, dataSource, isDataName } from './data.js';

/** The data source named `name`; an unknown name is a usage error listing the known ones. */
export function dataName(name: string): DataSource {
  if (!isDataName(name))
    throw new UsageError(
      `unknown data set '${name}'; expected one of ${dataNames.join(', ')}, or a .csv file`,
    );
  return dataSource(name);
}

/** Refuses a model whose shape does not fit the data (a vector model on images, another width). */
export function checkFits(model: DensityModel, data: DataSource, what: string): void {
  const kind = model.config().kind;
  const image = imageInfo(model);
  if (data.image && !image) {
    throw new UsageError(
      `${what}: '${kind}' does not build an image model, which --data ${data.name} needs ` +
        `(imageShape [${data.image.shape.join(', ')}]); use --model realnvp or --model glow`,
    );
  }
  if (model.dim !== data.dim || (image && data.image && image.shape.join() !== data.image.shape.join())) {
    throw new UsageError(
      `${what}: the '${kind}' model has dimension ${model.dim}${image ? ` (images [${image.shape.join(', ')}])` : ''}` +
        `, but --data ${data.name} has dimension ${data.dim}`,
    );
  }
}

/** "held-out NLL 3.1234 nats" or, for image models, "held-out 2.4130 bits/dim (NLL 107.0 nats per image)". */
export function heldOut(r: IterationRecord): string {
  if (r.testNll === undefined) return '';
  return r.testBpd !== undefined
    ? `held-out ${r.testBpd.toFixed(4)} bits/dim (NLL ${r.testNll.toFixed(2)} nats per image)`
    : `held-out NLL ${r.testNll.toFixed(4)} nats`;
}

/** Writes the HTML report of a run; returns its path. */
export function writeReport(
  dir: string,
  model: DensityModel,
  history: readonly IterationRecord[],
  source: DataSource,
  seed: number,
  out = join(dir, 'report.html'),
): string {
  const data = source.name;
  const points = source.image ? source.reportData(64, seed) : source.reportData(2000, seed + 1);
  const figs = buildReport(model, history, points, { range: source.range, seed });
  points.dispose();
  const kind = model.config().kind;
  const last = [...history].reverse().find((r) => r.testNll !== undefined);
  const notes = [
    `model: ${kind}; data: ${data}; iterations: ${history.at(-1)?.iteration ?? 0}` +
      (last ? `; ${heldOut(last)} at iteration ${last.iteration}` : '') +
      (history.length ? `; ${history.at(-1)?.elapsed.toFixed(1)} s of training` : ''),
  ];
  writeHtml(out, figs, { title: `odeflow: ${kind} on ${data}`, notes });
  return out;
}
