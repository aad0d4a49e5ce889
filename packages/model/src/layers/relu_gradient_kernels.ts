/**
 * A kernel a backend may register to run ReLU's gradient as one pass: `convolveBiasRelu`'s
 * gradient (fused_convolution.ts) uses it where the current backend has it, and
 * tf.mul(dy, tf.step(y)) elsewhere, with the same floats. On the paper network those two ops
 * are two passes over each activation and an activation-sized temporary (step(y)), for each of
 * its 18 ReLU convolutions, every step.
 *
 * UnetReluGradient: inputs { dy, y } (one shape, float32; y the ReLU's output, or its input);
 *   no attrs; output dy * step(y): dy where y > 0, dy * 0 elsewhere, NaN where y is NaN (what
 *   tf.step gives NaN).
 */
export const RELU_GRADIENT_KERNEL = 'UnetReluGradient';
