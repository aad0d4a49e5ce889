import * as tf from '@tensorflow/tfjs-core';
import { nearestValidInputSizes } from '@unet/core';
import type { UNet } from '@unet/model';
import { onnxInputName, onnxProbabilitiesName, transposeArray, type OnnxRuntimeModule } from '@unet/onnx';

export interface ExportCheck {
  /** The input sizes run, [height, width]: unequal, so that both dynamic axes are tried. */
  size: [number, number];
  /** Max abs difference of ONNX Runtime's probabilities from ours. */
  maxAbsoluteDifference: number;
}

/**
 * Loads the exported graph in ONNX Runtime and runs it on an input of the two smallest valid
 * sizes (height != width), against our model's probabilities on the current tfjs backend.
 */
export async function checkOnnxExport(runtime: OnnxRuntimeModule, bytes: Uint8Array, model: UNet): Promise<ExportCheck> {
  const { depth, padding, inputChannels } = model.config;
  const height = nearestValidInputSizes(1, depth, padding).above;
  const width = height + 2 ** depth;
  const session = await runtime.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  try {
    const images = tf.randomUniform([1, height, width, inputChannels], 0, 1, 'float32', 1) as tf.Tensor4D;
    const ours = model.predict(images);
    const nchw = transposeArray((await images.data()) as Float32Array, images.shape, [0, 3, 1, 2]);
    const outputs = await session.run({ [onnxInputName]: new runtime.Tensor('float32', nchw.values, [1, inputChannels, height, width]) });
    const probabilities = outputs[onnxProbabilitiesName];
    const theirs = transposeArray(probabilities.data as Float32Array, probabilities.dims, [0, 2, 3, 1]);
    const values = (await ours.data()) as Float32Array;
    if (theirs.shape.join() !== ours.shape.join()) {
      throw new Error(`ONNX Runtime gave probabilities of shape [${theirs.shape}] where the model gives [${ours.shape}]`);
    }
    let difference = 0;
    for (let i = 0; i < values.length; i++) difference = Math.max(difference, Math.abs(values[i] - theirs.values[i]));
    tf.dispose([images, ours]);
    return { size: [height, width], maxAbsoluteDifference: difference };
  } finally {
    await session.release();
  }
}
