import * as tf from '@tensorflow/tfjs-core';
import { DIHEDRAL_TRANSFORMS, dihedralTransform, inverseDihedralTransform, type NetworkGeometry, type TileNetwork } from '@unet/inference';
import type { UNetConfig } from '@unet/model';
import { onnxInputName, onnxProbabilitiesName } from './export_graph.js';
import { transposeArray } from './transpose_array.js';

/**
 * What this file uses of ONNX Runtime's JavaScript API (onnxruntime-common, which
 * onnxruntime-node and onnxruntime-web share), so that the package depends on neither: the
 * caller passes the module it loaded.
 */
export interface OnnxRuntimeTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}
export interface OnnxRuntimeSession {
  run(feeds: Record<string, OnnxRuntimeTensor>): Promise<Record<string, OnnxRuntimeTensor>>;
  release(): Promise<void>;
}
export interface OnnxRuntimeModule {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OnnxRuntimeTensor;
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OnnxRuntimeSession> };
}

/** A TileNetwork whose session can be released (ONNX Runtime holds native memory). */
export interface OnnxRuntimeTileNetwork extends TileNetwork {
  release(): Promise<void>;
}

/**
 * The tile predictor of @unet/inference on ONNX Runtime, for a graph that exportUNetToOnnx
 * wrote: tiles NHWC in, transposed to the graph's NCHW, probabilities back as NHWC. Test-time
 * augmentation uses @unet/inference's own dihedral transforms (on the tfjs backend in use, as
 * copies), so that both engines average the same 8 views.
 */
export async function onnxRuntimeTileNetwork(
  runtime: OnnxRuntimeModule,
  model: Uint8Array,
  config: Pick<UNetConfig, 'depth' | 'padding' | 'inputChannels' | 'classes'>,
  sessionOptions: Record<string, unknown> = {},
): Promise<OnnxRuntimeTileNetwork> {
  const session = await runtime.InferenceSession.create(model, sessionOptions);
  const geometry: NetworkGeometry = {
    depth: config.depth,
    padding: config.padding,
    inputChannels: config.inputChannels,
    classes: config.classes,
  };

  /** Probabilities NHWC of one batch NHWC, whatever its height and width. */
  async function run(tiles: Float32Array, shape: [number, number, number, number]): Promise<{ values: Float32Array; shape: number[] }> {
    const [batch, height, width, channels] = shape;
    const nchw = transposeArray(tiles, shape, [0, 3, 1, 2]);
    const outputs = await session.run({ [onnxInputName]: new runtime.Tensor('float32', nchw.values, [batch, channels, height, width]) });
    const probabilities = outputs[onnxProbabilitiesName];
    const result = transposeArray(probabilities.data as Float32Array, probabilities.dims, [0, 2, 3, 1]);
    for (const output of Object.values(outputs)) output.dispose?.();
    return result;
  }

  return {
    geometry,
    async predictTiles(input, shape, options) {
      const inputShape: [number, number, number, number] = [shape.tiles, shape.inputHeight, shape.inputWidth, config.inputChannels];
      let predicted: tf.Tensor4D;
      if (!options.tta) {
        const { values, shape: outputShape } = await run(input, inputShape);
        predicted = tf.tensor4d(values, outputShape as [number, number, number, number]);
      } else {
        const x = tf.tensor4d(input, inputShape);
        let sum: tf.Tensor4D | undefined;
        for (const k of DIHEDRAL_TRANSFORMS) {
          const view = dihedralTransform(x, k);
          const { values, shape: outputShape } = await run((await view.data()) as Float32Array, view.shape);
          view.dispose();
          const back = tf.tidy(() => inverseDihedralTransform(tf.tensor4d(values, outputShape as [number, number, number, number]), k));
          const next = sum === undefined ? back : tf.add(sum, back);
          if (sum !== undefined) tf.dispose([sum, back]);
          sum = next as tf.Tensor4D;
        }
        x.dispose();
        predicted = tf.tidy(() => tf.div(sum as tf.Tensor4D, DIHEDRAL_TRANSFORMS.length));
        sum?.dispose();
      }
      // A padded network returns the whole input tile: keep the output tile inside its context, as tfjsTileNetwork does.
      const extraRows = (predicted.shape[1] - shape.outputHeight) / 2;
      const extraColumns = (predicted.shape[2] - shape.outputWidth) / 2;
      const cropped =
        extraRows === 0 && extraColumns === 0
          ? predicted
          : tf.slice(predicted, [0, extraRows, extraColumns, 0], [-1, shape.outputHeight, shape.outputWidth, -1]);
      const values = (await cropped.data()) as Float32Array;
      tf.dispose([predicted, cropped]);
      return values;
    },
    release: () => session.release(),
  };
}
