/**
 * ONNX Runtime in the segmentation worker: an ort InferenceSession of the model's graph as
 * @unet/inference's TileNetwork, so that an .onnx model is tiled, thresholded and mapped to
 * labels by the same segmentImage as a tfjs one.
 */
import * as ort from 'onnxruntime-web';
import type { UNetConfig } from '@unet/model';
import { type OnnxRuntimeModule, type OnnxRuntimeTileNetwork, onnxRuntimeTileNetwork } from '@unet/onnx';

/** onnxruntime-web's execution providers, in the order the demo tries them. */
export type OnnxExecutionProvider = 'webgpu' | 'wasm';

export interface OnnxRuntimeEngine {
  network: OnnxRuntimeTileNetwork;
  provider: OnnxExecutionProvider;
  /** The provider tried before it, with why it was skipped (as the tfjs backends say theirs). */
  skipped: { name: OnnxExecutionProvider; reason: string }[];
  /** What the page shows: 'onnxruntime-web 1.30.0 wasm'. */
  description: string;
}

/** Why WebGPU cannot serve here, or undefined where navigator.gpu gives an adapter. */
async function webGpuUnavailable(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return 'this browser has no navigator.gpu';
  if ((await gpu.requestAdapter().catch(() => null)) === null)
    return 'navigator.gpu gives no adapter (no usable GPU, or WebGPU is switched off)';
  return undefined;
}

/**
 * A session of `graph` (exportUNetToOnnx's graph: input `image`, output `probabilities`) on
 * WebGPU where navigator.gpu gives an adapter, else on wasm. onnxruntime-web loads its .wasm
 * from beside its own module, where the build puts it (vite.config.ts): no CDN.
 */
export async function createOnnxRuntimeEngine(
  graph: Uint8Array,
  config: Pick<UNetConfig, 'depth' | 'padding' | 'inputChannels' | 'classes'>,
): Promise<OnnxRuntimeEngine> {
  // One thread: the threaded build starts workers of its own from its module's URL, from this
  // worker; the tfjs wasm backend runs on one thread too (main.ts).
  ort.env.wasm.numThreads = 1;
  const runtime = ort as unknown as OnnxRuntimeModule;
  const skipped: OnnxEngineSkip[] = [];
  const reason = await webGpuUnavailable();
  if (reason === undefined) {
    try {
      const network = await onnxRuntimeTileNetwork(runtime, graph, config, { executionProviders: ['webgpu'] });
      return { network, provider: 'webgpu', skipped, description: `onnxruntime-web ${ort.env.versions.web} webgpu` };
    } catch (error) {
      skipped.push({ name: 'webgpu', reason: `the session did not start (${(error as Error).message})` });
    }
  } else {
    skipped.push({ name: 'webgpu', reason });
  }
  const network = await onnxRuntimeTileNetwork(runtime, graph, config, { executionProviders: ['wasm'] });
  return { network, provider: 'wasm', skipped, description: `onnxruntime-web ${ort.env.versions.web} wasm` };
}

type OnnxEngineSkip = OnnxRuntimeEngine['skipped'][number];
