import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether tfjs is recording operations for a gradient (inside tf.grad, tf.variableGrads or an
 * optimizer's minimize). Layers take their inference-only shortcuts (batch norm folded into the
 * convolution, the native up-convolution into the concat) only when it is not, since those
 * shortcuts have no gradient of their own; tf.fused.conv2d makes the same test.
 */
export function recordingGradients(): boolean {
  return tf.engine().isTapeOn();
}
