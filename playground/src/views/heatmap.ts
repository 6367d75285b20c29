/** The model density on a grid, drawn as an image (density relative to its maximum). */

// viridis at 9 stops (matplotlib), interpolated linearly
const STOPS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

function color(u: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, u)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** Paints log p on an n × n grid (row j = j-th y value from the bottom) into `canvas`. */
export function drawHeatmap(canvas: HTMLCanvasElement, logp: Float32Array, n: number): void {
  const img = new ImageData(n, n);
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logp) if (Number.isFinite(v)) max = Math.max(max, v);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const v = logp[j * n + i];
      const p = Number.isFinite(v) ? Math.exp(v - max) : 0;
      const [r, g, b] = color(p);
      const o = 4 * ((n - 1 - j) * n + i);
      img.data[o] = r;
      img.data[o + 1] = g;
      img.data[o + 2] = b;
      img.data[o + 3] = 255;
    }
  }
  const small = document.createElement('canvas');
  small.width = n;
  small.height = n;
  small.getContext('2d')!.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}
