/**
 * The browser side of bench/gpu/webgl.ts: the GPU bench rows on tfjs's webgl backend. Bundled
 * for the browser by esbuild.
 */
import '@tensorflow/tfjs-backend-webgl';
import { tf } from '../../solvers/tf.js';
import { benchSizes, type Row, runRows } from './rows.js';

async function run(small: boolean, budgetS: number): Promise<{ renderer: string; rows: Row[] }> {
  if (!(await tf.setBackend('webgl'))) throw new Error('webgl backend failed to initialise');
  await tf.ready();
  const gl = document.createElement('canvas').getContext('webgl2');
  const ext = gl?.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'none';
  const t0 = performance.now();
  const left = () => budgetS * 1000 - (performance.now() - t0);
  const rows = await runRows('webgl', benchSizes(small), left, null, (line) => console.log(line));
  return { renderer, rows };
}

(globalThis as unknown as { odeflowGpuBench: typeof run }).odeflowGpuBench = run;
