/**
 * Kernels a backend may register to run the expanding path's 2x2 stride-2 up-convolution and
 * the crop and concatenation of its skip connection as one: `UpConvolution.applyBesideSkip`
 * uses the first where the current backend has it and no gradient is recorded, both where a
 * gradient is recorded and it has both, and tfjs-core ops elsewhere, with the same results up
 * to float rounding. @unet/backend-native registers both.
 *
 * UnetUpConvolutionConcat: inputs { x [batch, height, width, inChannels], kernel [2, 2,
 *   outChannels, inChannels] (tf.conv2dTranspose's layout, as UpConvolution stores it), bias
 *   [outChannels], skip [batch, skipHeight, skipWidth, skipChannels] }, attrs { top, left }
 *   (where the skip's window starts, `centreCropWindow` of @unet/core); output [batch,
 *   2 height, 2 width, skipChannels + outChannels], float32: channels [0, skipChannels) are
 *   skip[b, top + y, left + x, :], the others the up-convolution
 *   y[b, 2i + p, 2j + q, o] = bias[o] + sum over c of x[b, i, j, c] kernel[p, q, o, c].
 */
export const UP_CONVOLUTION_CONCAT_KERNEL = 'UnetUpConvolutionConcat';

/**
 * UnetUpConvolutionConcatGrad: the gradients of UnetUpConvolutionConcat's output. Inputs { dy
 *   [batch, 2 height, 2 width, skipChannels + outChannels], x, kernel } (as the forward kernel's),
 *   attrs { top, left, skipHeight, skipWidth }; outputs [dx (x's shape), dkernel (kernel's),
 *   dbias [outChannels], dskip [batch, skipHeight, skipWidth, skipChannels]], float32: dskip is
 *   dy's first skipChannels channels inside the window and 0 outside it.
 */
export const UP_CONVOLUTION_CONCAT_GRAD_KERNEL = 'UnetUpConvolutionConcatGrad';
