/**
 * Bouncing balls with odeintEvent: y = [height, velocity], dh/dt = v, dv/dt = −g; the event is
 * height = 0 while falling; at each bounce the velocity flips and shrinks by the restitution e.
 * Closed form: first impact at √(2h₀/g) with speed v₁ = g·t₁, then flights of 2eᵏv₁/g.
 * Run: `npx tsx examples/bouncing-ball.ts`.
 */
import { odeintEvent, tf } from '../src/index.js';

/** Options of {@link bounce}. */
export interface BounceOptions {
  /** Initial heights, one ball per entry (all start at rest). */
  heights: number[];
  /** Restitution coefficient e in (0, 1]. Default 0.8. */
  restitution?: number;
  /** Gravity. Default 9.81. */
  gravity?: number;
  /** Number of bounces. Default 5. */
  bounces?: number;
}

/** Runs the balls through `bounces` bounces; returns each ball's bounce times and [h, v] at impact. */
export function bounce(opts: BounceOptions): { times: number[][]; states: number[][][] } {
  const e = opts.restitution ?? 0.8;
  const G = opts.gravity ?? 9.81;
  const n = opts.bounces ?? 5;
  const B = opts.heights.length;
  const shift = tf.tensor2d([
    [0, 0],
    [1, 0],
  ]);
  const grav = tf.tensor1d([0, G]);
  const f = (_t: number, y: tf.Tensor) => tf.sub(tf.matMul(y, shift), grav);
  const event = (_t: tf.Tensor, y: tf.Tensor) => tf.reshape(tf.slice(y, [0, 0], [-1, 1]), [-1]);
  const flip = tf.tensor1d([1, -e]);
  let y: tf.Tensor = tf.tensor2d(opts.heights.map((h) => [h, 0]));
  const clock = new Array<number>(B).fill(0);
  const times: number[][] = Array.from({ length: B }, () => []);
  const states: number[][][] = Array.from({ length: B }, () => []);
  try {
    for (let k = 0; k < n; k++) {
      // f is autonomous, so every ball restarts its own clock at 0 (the balls bounce at different times)
      const r = odeintEvent(f, y, 0, { event, direction: -1, rtol: 1e-6, atol: 1e-9 });
      const dt = r.t.dataSync();
      const ys = r.y.arraySync() as number[][];
      for (let b = 0; b < B; b++) {
        clock[b] += dt[b];
        times[b].push(clock[b]);
        states[b].push(ys[b]);
      }
      const next = tf.mul(r.y, flip);
      tf.dispose([r.t, r.y, y]);
      y = next;
    }
  } finally {
    tf.dispose([y, shift, grav, flip]);
  }
  return { times, states };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { initBackend } = await import('../src/index.js');
  await initBackend();
  const heights = [10, 5, 1];
  const { times, states } = bounce({ heights, restitution: 0.8, bounces: 6 });
  heights.forEach((h, b) => {
    const t1 = Math.sqrt((2 * h) / 9.81);
    const v1 = 9.81 * t1;
    let t = t1;
    console.log(`ball from ${h} m`);
    times[b].forEach((tk, k) => {
      console.log(
        `  bounce ${k + 1}: t = ${tk.toFixed(6)} s (closed form ${t.toFixed(6)}), impact speed ${(-states[b][k][1]).toFixed(4)} m/s`,
      );
      t += (2 * 0.8 ** (k + 1) * v1) / 9.81;
    });
  });
}
