import { readFile } from 'node:fs/promises';
import type { TileNetwork } from '@unet/inference';
import type { UNet } from '@unet/model';
import { openModel } from '../prediction/model_files.js';
import { UsageError } from '../usage_error.js';
import { loadOnnxRuntime } from './load_onnx_runtime.js';

export const engineNames = ['tfjs', 'onnxruntime'] as const;
export type EngineName = (typeof engineNames)[number];

export const engineHelp = `  --engine NAME     tfjs (default: the --backend below) or onnxruntime (onnxruntime-node, where
                    installed: the model runs as the ONNX graph unet export --onnx writes)
  --ort-providers LIST  onnxruntime's execution providers, in order: cpu (default), or cuda,cpu
                    on a GPU box with the CUDA build (docs/onnx.md)`;

export const engineFlags = {
  engine: { type: 'string' },
  'ort-providers': { type: 'string' },
} as const;

/** The network that segments, and the model whose config and metadata (labels, tile) it carries. */
export interface SegmentationEngine {
  model: UNet;
  network: UNet | TileNetwork;
  description: string;
  release(): Promise<void>;
}

export function parseEngine(value: string | undefined): EngineName {
  const engine = value ?? 'tfjs';
  if (!(engineNames as readonly string[]).includes(engine)) {
    throw new UsageError(`--engine ${engine}: use ${engineNames.join(' or ')}`);
  }
  return engine as EngineName;
}

/**
 * Opens `modelPath` (a model folder, or a .onnx file that unet import can read) for `engine`.
 * On onnxruntime the model is exported to ONNX in memory (a .onnx file too, once imported: a
 * PyTorch graph may have fixed sizes and other names), so both engines run the same weights with
 * the same tiling, TTA, threshold and label mapping (segmentImage takes either).
 */
export async function openSegmentationEngine(
  modelPath: string,
  engine: EngineName,
  providers: string | undefined,
): Promise<SegmentationEngine> {
  const isOnnxFile = modelPath.toLowerCase().endsWith('.onnx');
  // Loaded only where used: predict and eval on tfjs with a model folder never need it.
  const onnx = isOnnxFile || engine !== 'tfjs' ? await import('@unet/onnx') : undefined;
  const bytes = isOnnxFile ? await readFile(modelPath) : undefined;
  const model = bytes === undefined || onnx === undefined ? await openModel(modelPath) : onnx.unetFromOnnx(bytes, modelPath);
  if (engine === 'tfjs' || onnx === undefined) {
    return { model, network: model, description: 'tfjs', release: async () => {} };
  }
  const { runtime, version } = await loadOnnxRuntime();
  const executionProviders = (providers ?? 'cpu')
    .split(',')
    .map((provider) => provider.trim())
    .filter(Boolean);
  const network = await onnx.onnxRuntimeTileNetwork(runtime, onnx.exportUNetToOnnx(model), model.config, { executionProviders });
  return {
    model,
    network,
    description: `onnxruntime-node ${version} (${executionProviders.join(', ')})`,
    release: () => network.release(),
  };
}
