/** Mapping between a square data range and a square canvas (y up). */
export class Frame {
  constructor(
    readonly canvas: HTMLCanvasElement,
    public range: [number, number],
  ) {}

  /** Canvas pixel of a data point. */
  toPx(x: number, y: number): [number, number] {
    const [lo, hi] = this.range;
    const w = this.canvas.width;
    const h = this.canvas.height;
    return [((x - lo) / (hi - lo)) * w, (1 - (y - lo) / (hi - lo)) * h];
  }

  /** Data point under a client (mouse) position. */
  fromClient(clientX: number, clientY: number): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    const [lo, hi] = this.range;
    const u = (clientX - r.left) / r.width;
    const v = (clientY - r.top) / r.height;
    return [lo + u * (hi - lo), lo + (1 - v) * (hi - lo)];
  }

  /** Data units per canvas pixel. */
  unitsPerPx(): number {
    return (this.range[1] - this.range[0]) / this.canvas.width;
  }
}

/** Draws points (interleaved x, y) as small squares. */
export function drawPoints(
  ctx: CanvasRenderingContext2D,
  frame: Frame,
  points: Float32Array,
  color: string,
  size = 2,
): void {
  ctx.fillStyle = color;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [px, py] = frame.toPx(points[i], points[i + 1]);
    ctx.fillRect(px - size / 2, py - size / 2, size, size);
  }
}
