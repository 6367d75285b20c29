import { drawPoints, type Frame } from './frame.js';

/**
 * Animates paths (steps × n × 2) from noise to data: points move along the recorded path, with a
 * faint trail of where they were, then hold at the data for a moment and start over.
 */
export class FlowAnimation {
  private paths = new Float32Array(0);
  private steps = 0;
  private start = 0;
  private handle = 0;
  /** Seconds from noise to data, and the pause at the end. */
  constructor(
    private readonly frame: Frame,
    private readonly seconds = 2.5,
    private readonly hold = 0.8,
  ) {}

  /** New paths to show (the animation keeps its phase). */
  set(paths: Float32Array, steps: number): void {
    this.paths = paths;
    this.steps = steps;
    if (!this.handle) this.handle = requestAnimationFrame((t) => this.tick(t));
  }

  private positionAt(s: number): Float32Array {
    const n = this.paths.length / (2 * this.steps);
    const k = Math.min(this.steps - 2, Math.floor(s));
    const f = Math.min(1, s - k);
    const out = new Float32Array(2 * n);
    const a = k * 2 * n;
    const b = (k + 1) * 2 * n;
    for (let i = 0; i < 2 * n; i++) out[i] = (1 - f) * this.paths[a + i] + f * this.paths[b + i];
    return out;
  }

  private tick(now: number): void {
    this.handle = requestAnimationFrame((t) => this.tick(t));
    if (this.steps < 2) return;
    if (!this.start) this.start = now;
    const period = this.seconds + this.hold;
    const t = ((now - this.start) / 1000) % period;
    const s = (Math.min(t, this.seconds) / this.seconds) * (this.steps - 1);
    const ctx = this.frame.canvas.getContext('2d')!;
    ctx.clearRect(0, 0, this.frame.canvas.width, this.frame.canvas.height);
    const trail = 6;
    for (let k = trail; k >= 1; k--) {
      const past = Math.max(0, s - (k * (this.steps - 1)) / 40);
      drawPoints(ctx, this.frame, this.positionAt(past), `rgba(70,110,200,${0.08 + 0.04 * (trail - k)})`, 2);
    }
    drawPoints(ctx, this.frame, this.positionAt(s), '#1f4fb4', 3);
  }
}
