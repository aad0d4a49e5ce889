import * as tf from '@tensorflow/tfjs-core';

/**
 * A model as the two files `unet train` writes into its model folder: model.json, whose weights
 * manifest names weights.bin beside it, and weights.bin. So a model trained in the page loads
 * again with "Load a model folder…" and with `unet predict --model FOLDER` (the same layout as
 * @unet/model/node's fileSystem handler).
 */
export function modelFiles(artifacts: tf.io.ModelArtifacts): { modelJson: Blob; weights: Blob } {
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
    userDefinedMetadata: artifacts.userDefinedMetadata,
  };
  return {
    modelJson: new Blob([JSON.stringify(json, null, 1)], { type: 'application/json' }),
    weights: new Blob([weights], { type: 'application/octet-stream' }),
  };
}
