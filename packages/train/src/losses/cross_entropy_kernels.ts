/**
 * Kernels a backend may register to run weightedCrossEntropy in a few dispatches (a softmax,
 * a one-hot, a dozen elementwise ops and three sums each way with tfjs-core's ops);
 * weightedCrossEntropy uses them where the current backend has both, and the ops elsewhere,
 * with the same results up to float rounding. @unet/backend-webgpu registers them.
 *
 * With p = softmax(logits) over the classes, l the label, v = [l != ignoreLabel] (1 when
 * `ignores` is false), o the one-hot of v l (all zeros for a label outside [0, classes)),
 * pw = v w (w = 1 without weights), the per-pixel nll = -sum_c o_c log p_c and
 * D = max(sum pw or, with normalization 'pixels', sum v; 1e-12):
 *
 * UnetWeightedCrossEntropy: inputs { logits [batch, height, width, classes] float32, labels
 *   [batch, height, width] int32, weights? [batch, height, width] float32 }, attrs
 *   { ignoreLabel: number, ignores: boolean, normalization: 'weights' | 'pixels' };
 *   outputs [loss = sum(pw nll) / D, D], both float32 scalars.
 * UnetWeightedCrossEntropyGrad: inputs { dy (scalar), logits, labels, weights?, denominator (D) },
 *   the same attrs; outputs [dlogits = dy pw (p sum_c o_c - o) / D] (shape of logits).
 */
export const WEIGHTED_CROSS_ENTROPY_KERNEL = 'UnetWeightedCrossEntropy';
export const WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL = 'UnetWeightedCrossEntropyGrad';
