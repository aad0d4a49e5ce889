import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRADIENT_KERNEL } from './relu_gradient_kernels.js';

type ConvolveBiasRelu = (x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D) => tf.Tensor4D;

/**
 * relu(conv2d(x, kernel) + bias), stride 1, as one op that trains.
 *
 * tf.fused.conv2d stops fusing as soon as gradients are recorded (a non-linear activation is
 * then run as conv2d, add and relu), and those three ops keep three activations each for the
 * backward pass: on the paper network they made most of a train step's memory. This op runs
 * the backend's FusedConv2D kernel under the tape too, and its gradient needs only x, the
 * kernel and the output y (relu's derivative is y > 0):
 *   g = dy * step(y) (reluGradient);  dx = Conv2DBackpropInput(g);  dkernel = Conv2DBackpropFilter(x, g);
 *   dbias = sum of g over [batch, height, width].
 * Only for backends that have these kernels (`canFuseConvolutionBiasRelu`).
 */
export function convolveBiasRelu(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, padding: 'valid' | 'same'): tf.Tensor4D {
  let op = fusedOps.get(padding);
  if (op === undefined) {
    op = makeOp(padding);
    fusedOps.set(padding, op);
  }
  return op(x, kernel, bias);
}

/** Whether the current backend has the kernels `convolveBiasRelu` runs. */
export function canFuseConvolutionBiasRelu(): boolean {
  const backend = tf.getBackend();
  return ['FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'].every((name) => tf.getKernel(name, backend) !== undefined);
}

const fusedOps = new Map<string, ConvolveBiasRelu>();

function makeOp(padding: 'valid' | 'same'): ConvolveBiasRelu {
  const convolutionAttributes = { strides: [1, 1], pad: padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
  return tf.customGrad((...args) => {
    const [x, kernel, bias, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
    const y = tf.engine().runKernel('FusedConv2D', { x, filter: kernel, bias }, {
      ...convolutionAttributes,
      dilations: [1, 1],
      activation: 'relu',
      leakyreluAlpha: undefined,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    save([x, kernel, y]);
    return {
      value: y,
      // tfjs does not run a custom gradient inside a tidy scope; without one, every
      // temporary of the backward pass would stay allocated.
      gradFunc: (dy, saved) =>
        tf.tidy(() => {
          const [savedX, savedKernel, savedY] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
          const upstream = reluGradient(dy as tf.Tensor4D, savedY);
          const engine = tf.engine();
          const dx = engine.runKernel('Conv2DBackpropInput', { dy: upstream, filter: savedKernel }, {
            ...convolutionAttributes,
            inputShape: savedX.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
          const dKernel = engine.runKernel('Conv2DBackpropFilter', { x: savedX, dy: upstream }, {
            ...convolutionAttributes,
            filterShape: savedKernel.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
          return [dx, dKernel, tf.sum(upstream, [0, 1, 2])];
        }),
    };
  }) as unknown as ConvolveBiasRelu;
}

/** dy * step(y): RELU_GRADIENT_KERNEL's one pass where the backend registers it, tfjs's two ops elsewhere. */
export function reluGradient(dy: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  if (tf.getKernel(RELU_GRADIENT_KERNEL, tf.getBackend()) === undefined) return tf.mul(dy, tf.step(y));
  return tf.engine().runKernel(RELU_GRADIENT_KERNEL, { dy, y }) as tf.Tensor4D;
}
