import * as tf from '@tensorflow/tfjs-core';
import { UNet, type UNetConfig } from '@unet/model';
import { completeConfig, configFromGraph, structuralKeys } from './config_from_graph.js';
import { OnnxFormatError, OnnxGraphError } from './errors.js';
import { GraphIndex } from './graph_index.js';
import { metadataKeys, readMetadataProps } from './metadata_props.js';
import { onnx, type OnnxTypes } from './onnx_proto.js';
import { readUNetGraph } from './read_unet_graph.js';
import type { WeightArray } from './weight_layout.js';
import { weightsFromGraph } from './weights_from_graph.js';

/** What an ONNX U-Net holds, in our terms. */
export interface ImportedUNet {
  config: UNetConfig;
  /** By our names, in our layout. */
  weights: Map<string, WeightArray>;
  /** Our export's saved metadata, or where the graph came from. */
  metadata: Record<string, unknown>;
}

/** Decodes a serialised ModelProto; anything that is not one is an OnnxFormatError naming `source`. */
export function decodeOnnxModel(bytes: Uint8Array, source: string): OnnxTypes.ModelProto {
  let model: OnnxTypes.ModelProto;
  try {
    // A plain Uint8Array view, never Node's Buffer: protobufjs reads a Buffer with another reader,
    // whose errors put a truncation elsewhere, so `unet import` and the demo would word the same
    // file differently.
    model = onnx.ModelProto.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new OnnxFormatError(
      `${source} is not an ONNX model, or it is truncated: ${(error as Error).message} (${bytes.length} bytes read)`,
    );
  }
  if (
    model.graph === null ||
    model.graph === undefined ||
    (model.graph.node ?? []).length === 0 ||
    (model.opsetImport ?? []).length === 0
  ) {
    throw new OnnxFormatError(
      `${source} is not an ONNX model: it decodes without a graph of nodes or an opset (${bytes.length} bytes); pass a .onnx file`,
    );
  }
  return model;
}

function checkAgainstSaved(found: Record<string, unknown>, saved: UNetConfig | undefined, source: string): void {
  if (saved === undefined) return;
  for (const key of structuralKeys) {
    if (saved[key] !== found[key]) {
      throw new OnnxGraphError(
        `${source}: metadata_props '${metadataKeys.config}' says ${key} ${JSON.stringify(saved[key])} but the graph has ${JSON.stringify(found[key])}; the graph was changed after export: remove the key to import the graph as it is`,
      );
    }
  }
}

/** Class names another exporter left in metadata_props, where they are a JSON list of strings. */
function readClassNames(text: string | null | undefined): string[] | undefined {
  if (!text) return undefined;
  try {
    const names: unknown = JSON.parse(text);
    return Array.isArray(names) && names.every((name) => typeof name === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a U-Net from a serialised ONNX model (ours, or one PyTorch exported in eval mode): the
 * config found from the graph, the weights in our layout, the saved metadata. `source` (a file
 * name) starts every error message.
 */
export function importOnnxUNet(bytes: Uint8Array, source: string): ImportedUNet {
  const model = decodeOnnxModel(bytes, source);
  const index = new GraphIndex(model.graph as OnnxTypes.IGraphProto, source);
  const layout = readUNetGraph(index);
  const structure = configFromGraph(index, layout);
  const saved = readMetadataProps(model.metadataProps, source);
  checkAgainstSaved(structure as unknown as Record<string, unknown>, saved.config, source);
  const classNames = readClassNames(model.metadataProps?.find((entry) => entry.key === metadataKeys.classNames)?.value);
  const config = completeConfig(structure, saved.config, classNames);
  const weights = weightsFromGraph(index, layout, config);
  const metadata = saved.metadata ?? {
    importedFrom: {
      file: source,
      producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
      opset: Number(model.opsetImport?.[0]?.version ?? 0),
    },
  };
  return { config, weights, metadata };
}

/** A UNet built from an ONNX model (see importOnnxUNet), with its metadata. */
export function unetFromOnnx(bytes: Uint8Array, source: string): UNet {
  const imported = importOnnxUNet(bytes, source);
  const model = new UNet(imported.config);
  try {
    tf.tidy(() => {
      const tensors: Record<string, tf.Tensor> = {};
      for (const [name, weight] of imported.weights) tensors[name] = tf.tensor(weight.values, weight.shape, 'float32');
      model.setWeights(tensors, source);
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  model.metadata = imported.metadata;
  return model;
}
