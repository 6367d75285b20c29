/**
 * WebGPU for tfjs in Node, through Dawn (the optional npm package `webgpu`, which ships
 * `dawn.node`). tfjs-backend-webgpu registers itself only if `navigator.gpu` exists when it is
 * imported, so this defines it first. Dawn needs a Vulkan driver on Linux: a GPU's own, or on a
 * CPU-only machine Mesa ≥ 25 lavapipe (Debian 12: `apt-get install -t bookworm-backports
 * mesa-vulkan-drivers libvulkan1`; bookworm's Mesa 22.3 is refused by Dawn).
 *
 * On this backend every synchronous read (`dataSync`, `arraySync`) throws in Node ("OffscreenCanvas
 * is not defined"): use the async API (`odeintAsync`, `solveIvpAsync`, `replayIvp`, …).
 */

/** What Dawn reports about the adapter it found. */
export interface WebGpuAdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software rasteriser (lavapipe/llvmpipe, SwiftShader): works, but runs on the CPU. */
  software: boolean;
}

/** Names of software renderers (a WebGPU adapter's or a WebGL context's description). */
export function isSoftwareRenderer(description: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|softpipe|software|basic render/i.test(description);
}

interface GpuLike {
  requestAdapter(options?: unknown): Promise<{
    info?: Record<string, string>;
    isFallbackAdapter?: boolean;
  } | null>;
}

let installed: Promise<WebGpuAdapterDescription> | null = null;

/**
 * Makes `navigator.gpu` available in Node from the `webgpu` package and checks that Dawn finds an
 * adapter. Idempotent. Throws an Error naming what is missing: the package, or a Vulkan driver.
 */
export function installNodeWebGpu(): Promise<WebGpuAdapterDescription> {
  installed ??= install();
  return installed.catch((err) => {
    installed = null;
    throw err;
  });
}

async function install(): Promise<WebGpuAdapterDescription> {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  let gpu = g.navigator?.gpu;
  if (!gpu) {
    let mod: { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
    try {
      const pkg = 'webgpu'; // optional, Node only: not resolved by bundlers
      mod = (await import(pkg)) as typeof mod;
    } catch (err) {
      throw new Error(
        `the optional package 'webgpu' (Dawn for Node) is not installed or does not load here ` +
          `(${(err as Error).message.split('\n')[0]}); install it with npm install webgpu@0.6.2 ` +
          '@tensorflow/tfjs-backend-webgpu@4.22.0',
      );
    }
    // tfjs-backend-webgpu uses the WebGPU constants (GPUBufferUsage, GPUMapMode, …) as globals
    Object.assign(globalThis, mod.globals);
    gpu = mod.create([]);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'Dawn found no WebGPU adapter: no usable Vulkan driver. Install a GPU driver with Vulkan ' +
        'support, or on a CPU-only Debian 12 machine Mesa ≥ 25 lavapipe: add bookworm-backports, then ' +
        'apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1 (Mesa 22.3 is refused)',
    );
  }
  const info = adapter.info ?? {};
  const description = String(info.description ?? '');
  return {
    vendor: String(info.vendor ?? ''),
    architecture: String(info.architecture ?? ''),
    device: String(info.device ?? ''),
    description,
    software: adapter.isFallbackAdapter === true || isSoftwareRenderer(`${description} ${info.device ?? ''}`),
  };
}
