import { type Tensor, tf } from '../../solvers/tf.js';
import type { Figure } from './figure.js';
import { figureMargin, figureTitle, X1, X2 } from './layout.js';

/** Options of {@link animation}. */
export interface AnimationOptions {
  /** Axis range of both axes. Default [-4, 4]. */
  range?: readonly [number, number];
  /** Label of each frame (e.g. its time); default the frame index. */
  labels?: readonly (string | number)[];
  /** At most this many points are drawn per frame. Default 1000. */
  maxPoints?: number;
  /** Milliseconds per frame when playing. Default 80. */
  frameMs?: number;
  /** Marker colour. Default '#d62728'. */
  color?: string;
  /** Figure title. Default 'points flowing'. */
  title?: string;
}

/**
 * An animation of 2-D points moving: `frames` is `[T, N, 2]` (time-major, as `odeint` and a CNF's
 * `trajectories` return) as a tensor or nested arrays. The figure has plotly `frames`, a play /
 * pause button and a slider over the frames; it starts at frame 0.
 *
 * @param frames Positions `[T, N, 2]`, time-major, as a tensor or nested arrays (not disposed).
 * @param options Range, frame labels, point count, frame duration, colour, title: see {@link AnimationOptions}.
 *
 * @example
 * const times = [0, 0.25, 0.5, 0.75, 1];
 * const ys = odeint(f, tf.randomNormal([500, 2]), times); // [5, 500, 2]
 * show(animation(ys, { labels: times.map((t) => `t = ${t}`) }));
 */
export function animation(
  frames: Tensor | readonly (readonly (readonly number[])[])[],
  options: AnimationOptions = {},
): Figure {
  const arr = frames instanceof tf.Tensor ? (frames.arraySync() as number[][][]) : frames;
  if (arr.length === 0) throw new Error('animation needs at least one frame; got an empty [T, N, 2]');
  const count = Math.min(arr[0].length, options.maxPoints ?? 1000);
  const range = [...(options.range ?? [-4, 4])];
  const names = arr.map((_, t) => String(options.labels?.[t] ?? t));
  const frameMs = options.frameMs ?? 80;
  const xy = (t: number) => ({
    x: arr[t].slice(0, count).map((p) => p[0]),
    y: arr[t].slice(0, count).map((p) => p[1]),
  });
  const marker = { size: 3, opacity: 0.6, color: options.color ?? '#d62728' };
  const play = {
    frame: { duration: frameMs, redraw: false },
    transition: { duration: 0 },
    fromcurrent: true,
  };
  return {
    data: [{ type: 'scatter', mode: 'markers', name: 'points', ...xy(0), marker }],
    frames: arr.map((_, t) => ({ name: names[t], data: [{ ...xy(t) }] })),
    layout: {
      title: figureTitle(options.title ?? 'points flowing'),
      margin: figureMargin({ l: 80, r: 40, b: 40 }),
      xaxis: { range, constrain: 'domain', autorange: false, title: { text: X1 } },
      yaxis: { range, scaleanchor: 'x', autorange: false, title: { text: X2 } },
      height: 640,
      showlegend: false,
      updatemenus: [
        {
          type: 'buttons',
          showactive: false,
          x: 0,
          y: 0,
          xanchor: 'right',
          yanchor: 'top',
          pad: { t: 60, r: 10 },
          buttons: [
            { label: 'play', method: 'animate', args: [null, play] },
            {
              label: 'pause',
              method: 'animate',
              args: [[null], { frame: { duration: 0, redraw: false }, mode: 'immediate' }],
            },
          ],
        },
      ],
      sliders: [
        {
          active: 0,
          // inset from both edges so the first and last step labels are drawn whole
          x: 0.06,
          len: 0.88,
          pad: { t: 60, l: 10, r: 10 },
          currentvalue: { prefix: 'frame ' },
          steps: names.map((name) => ({
            label: name,
            method: 'animate',
            args: [[name], { frame: { duration: 0, redraw: false }, mode: 'immediate' }],
          })),
        },
      ],
    },
  };
}
