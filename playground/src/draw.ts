import { Rng } from './odeflow.js';
import type { Frame } from './views/frame.js';

/**
 * Drawing data with the mouse (or a pen / finger): while the button is down, each move sprays
 * points uniformly in a disc of the brush radius (data units) around the pointer, or with
 * `erase` removes the points inside it. `onChange` runs when a stroke ends.
 */
export class Brush {
  points: number[] = [];
  radius = 0.3;
  erase = false;
  private down = false;
  /** Reproducible strokes for a given sequence of events. */
  private readonly rng = new Rng(1);

  constructor(
    private readonly frame: Frame,
    private readonly enabled: () => boolean,
    private readonly redraw: () => void,
    private readonly onChange: () => void,
  ) {
    const c = frame.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (!this.enabled()) return;
      this.down = true;
      c.setPointerCapture?.(e.pointerId);
      this.apply(e);
    });
    c.addEventListener('pointermove', (e) => {
      if (this.down) this.apply(e);
    });
    const end = (): void => {
      if (!this.down) return;
      this.down = false;
      this.onChange();
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
  }

  private random(): number {
    return this.rng.uniform();
  }

  private apply(e: PointerEvent): void {
    const [x, y] = this.frame.fromClient(e.clientX, e.clientY);
    const r = this.radius;
    if (this.erase) {
      const kept: number[] = [];
      for (let i = 0; i < this.points.length; i += 2) {
        const dx = this.points[i] - x;
        const dy = this.points[i + 1] - y;
        if (dx * dx + dy * dy > r * r) kept.push(this.points[i], this.points[i + 1]);
      }
      this.points = kept;
    } else {
      // about 6 points per event for the default brush, more for a larger one
      const count = Math.max(2, Math.round(20 * r));
      for (let k = 0; k < count; k++) {
        const rho = r * Math.sqrt(this.random());
        const phi = 2 * Math.PI * this.random();
        this.points.push(x + rho * Math.cos(phi), y + rho * Math.sin(phi));
      }
    }
    this.redraw();
  }

  clear(): void {
    this.points = [];
    this.redraw();
    this.onChange();
  }
}
