/**
 * A kernel a backend may register to run an inference block's convolution, batch norm (with
 * its moving statistics) and ReLU as one, without first folding the batch norm into the
 * kernel and bias (a square root and five elementwise ops per layer and pass, which on a GPU are
 * as many dispatches): `DoubleConvolution.apply` uses it where the current backend has it, no
 * gradient is recorded and the convolution has no bias, and the fold elsewhere, with the same
 * result up to float rounding. @unet/backend-webgpu registers it.
 *
 * UnetConvolutionBatchNormRelu: inputs { x [batch, height, width, inChannels], filter [k, k,
 *   inChannels, outChannels], gamma, beta, mean, variance [outChannels] }, attrs { pad: 'same'
 *   | 'valid', epsilon } (stride 1); output relu(gamma (conv2d(x, filter) - mean) /
 *   sqrt(variance + epsilon) + beta), float32 [batch, outHeight, outWidth, outChannels].
 */
export const CONVOLUTION_BATCH_NORM_RELU_KERNEL = 'UnetConvolutionBatchNormRelu';
