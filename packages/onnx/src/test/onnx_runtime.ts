import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { transposeArray } from '../transpose_array.js';

/** Runs an ONNX model in ONNX Runtime (CPU) on an NHWC batch; returns each output as NHWC. */
export async function runOnnxRuntime(bytes: Uint8Array, imagesNhwc: tf.Tensor4D, inputName: string): Promise<Record<string, tf.Tensor4D>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const [batch, height, width, channels] = imagesNhwc.shape;
    const nchw = transposeArray(imagesNhwc.dataSync() as Float32Array, imagesNhwc.shape, [0, 3, 1, 2]);
    const results = await session.run({ [inputName]: new ort.Tensor('float32', nchw.values, [batch, channels, height, width]) });
    const outputs: Record<string, tf.Tensor4D> = {};
    for (const [name, tensor] of Object.entries(results)) {
      const dims = tensor.dims as number[];
      const nhwc = transposeArray(tensor.data as Float32Array, dims, [0, 2, 3, 1]);
      outputs[name] = tf.tensor4d(nhwc.values, nhwc.shape as [number, number, number, number]);
      tensor.dispose();
    }
    return outputs;
  } finally {
    await session.release();
  }
}
